/** The stored causal tests of concepts (schema 7): read back checked, since JSON in a file may be from anyone. */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { ConceptTestSchema } from '../../shared/concepts';

export const StoredConceptTestsSchema = z.array(z.object({ label: z.string(), tests: z.array(ConceptTestSchema) }));
export type StoredConceptTests = z.infer<typeof StoredConceptTestsSchema>;

export interface ConceptTestsKey {
  datasetId: number;
  setId: number;
  descriptorLayer: string;
  /** The options that decide the answer, as canonical JSON. */
  options: string;
}

export class ConceptTests {
  private readonly select: Database.Statement<ConceptTestsKey, { fingerprint: string; value: string }>;
  private readonly upsert: Database.Statement<ConceptTestsKey & { fingerprint: string; value: string }>;

  constructor(db: Database.Database) {
    this.select = db.prepare(
      `SELECT fingerprint, value FROM concept_tests
       WHERE dataset_id = @datasetId AND set_id = @setId AND descriptor_layer = @descriptorLayer AND options = @options`,
    );
    this.upsert = db.prepare(
      `INSERT INTO concept_tests (dataset_id, set_id, descriptor_layer, options, fingerprint, value)
       VALUES (@datasetId, @setId, @descriptorLayer, @options, @fingerprint, @value)
       ON CONFLICT (dataset_id, set_id, descriptor_layer, options) DO UPDATE SET fingerprint = excluded.fingerprint, value = excluded.value`,
    );
  }

  /** The stored tests for the key, when they ran on components of this fingerprint and still read as valid; else null. */
  get(key: ConceptTestsKey, fingerprint: string): StoredConceptTests | null {
    const row = this.select.get(key);
    if (!row || row.fingerprint !== fingerprint) return null;
    let json: unknown;
    try {
      json = JSON.parse(row.value);
    } catch {
      return null;
    }
    const parsed = StoredConceptTestsSchema.safeParse(json);
    return parsed.success ? parsed.data : null;
  }

  put(key: ConceptTestsKey, fingerprint: string, value: StoredConceptTests): void {
    this.upsert.run({ ...key, fingerprint, value: JSON.stringify(value) });
  }
}
