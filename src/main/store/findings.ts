/**
 * The user's findings besides tags: which regions are spurious or evidence, the focus
 * threshold, the decisions on spurious-focus suggestions, and notes on the dataset.
 */
import type Database from 'better-sqlite3';
import { DEFAULT_RULES, spuriousTag, type Decision, type SpuriousRules } from '../../shared/suggestions';
import { CLASSES_CTE, JOINS, scopeParams, type GridScope } from './review-grid';
import type { Tags } from './tags';
import { now } from './transaction';

/** An audited image with its predicted class's mass on each named region. */
export interface FocusRow {
  imageId: number;
  contentId: number;
  path: string;
  label: string;
  predicted: string | null;
  masses: Map<string, number>;
  decision: Decision | null;
}

interface RawFocusRow extends Omit<FocusRow, 'masses'> {
  masses: string | null;
}

function statements(db: Database.Database) {
  return {
    roles: db.prepare<[number], { region: string; role: 'spurious' | 'evidence' }>(
      'SELECT region, role FROM region_roles WHERE dataset_id = ? ORDER BY region',
    ),
    threshold: db.prepare<[number], number>('SELECT threshold FROM focus_thresholds WHERE dataset_id = ?').pluck(),
    clearRoles: db.prepare<[number]>('DELETE FROM region_roles WHERE dataset_id = ?'),
    addRole: db.prepare<[number, string, string]>('INSERT INTO region_roles (dataset_id, region, role) VALUES (?, ?, ?)'),
    setThreshold: db.prepare<[number, number]>(
      'INSERT INTO focus_thresholds (dataset_id, threshold) VALUES (?, ?) ON CONFLICT (dataset_id) DO UPDATE SET threshold = excluded.threshold',
    ),
    decide: db.prepare<[number, number, number, string, string, string]>(
      `INSERT INTO suggestion_decisions (dataset_id, set_id, content_id, decision, region, decided_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET decision = excluded.decision, region = excluded.region, decided_at = excluded.decided_at`,
    ),
    decisionOf: db.prepare<[number, number, number], { decision: Decision; region: string }>(
      'SELECT decision, region FROM suggestion_decisions WHERE dataset_id = ? AND set_id = ? AND content_id = ?',
    ),
    notes: db.prepare<[number], string>('SELECT text FROM dataset_notes WHERE dataset_id = ?').pluck(),
    setNotes: db.prepare<[number, string, string]>(
      `INSERT INTO dataset_notes (dataset_id, text, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (dataset_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
    ),
    forget: db.prepare<[number, number, number]>('DELETE FROM suggestion_decisions WHERE dataset_id = ? AND set_id = ? AND content_id = ?'),
    // Masses of the named regions only, as one JSON object per image: one pass over the
    // audit instead of a row per (image, region).
    focus: db.prepare<Record<string, unknown>, RawFocusRow>(
      `${CLASSES_CTE}
       SELECT i.id AS imageId, i.content_id AS contentId, i.path, i.label, c.name AS predicted,
              (SELECT json_group_object(s.region, s.mass) FROM region_stats s
               WHERE s.result_id = r.id AND s.region IN (SELECT value FROM json_each(@regions))) AS masses,
              d.decision
       ${JOINS}
       LEFT JOIN suggestion_decisions d ON d.dataset_id = i.dataset_id AND d.set_id = @setId AND d.content_id = i.content_id
       WHERE i.dataset_id = @datasetId AND i.present = 1 AND r.id IS NOT NULL
         AND (@contents IS NULL OR i.content_id IN (SELECT value FROM json_each(@contents)))
       ORDER BY i.path`,
    ),
  };
}

export class Findings {
  private readonly sql: ReturnType<typeof statements>;

  /** Accepting a suggestion tags the image: decisions and those tags are written together. */
  constructor(
    db: Database.Database,
    private readonly tags: Tags,
  ) {
    this.sql = statements(db);
  }

  rules(datasetId: number): SpuriousRules {
    const roles = this.sql.roles.all(datasetId);
    return {
      spurious: roles.filter((r) => r.role === 'spurious').map((r) => r.region),
      evidence: roles.filter((r) => r.role === 'evidence').map((r) => r.region),
      threshold: this.sql.threshold.get(datasetId) ?? DEFAULT_RULES.threshold,
    };
  }

  /** The body of Store.setRules; the caller runs it in a transaction. */
  setRules(datasetId: number, rules: SpuriousRules): void {
    this.sql.clearRoles.run(datasetId);
    for (const region of rules.spurious) this.sql.addRole.run(datasetId, region, 'spurious');
    for (const region of rules.evidence) this.sql.addRole.run(datasetId, region, 'evidence');
    this.sql.setThreshold.run(datasetId, rules.threshold);
  }

  /** Every audited image of a scope (or of these contents) with its mass on the given regions and its decision. */
  focusRows(scope: GridScope, regions: readonly string[], contentIds?: readonly number[]): FocusRow[] {
    const contents = contentIds ? JSON.stringify(contentIds) : null;
    const rows = this.sql.focus.all({ ...scopeParams(scope, true), regions: JSON.stringify(regions), contents });
    return rows.map((row) => ({
      ...row,
      masses: new Map(Object.entries(JSON.parse(row.masses ?? '{}') as Record<string, number>)),
    }));
  }

  notes(datasetId: number): string {
    return this.sql.notes.get(datasetId) ?? '';
  }

  setNotes(datasetId: number, text: string): void {
    this.sql.setNotes.run(datasetId, text, now());
  }

  /** The body of Store.decide; the caller runs it in a transaction. */
  decide(datasetId: number, setId: number, items: readonly { contentId: number; region: string }[], decision: Decision | null): void {
    for (const { contentId, region } of items) {
      const before = this.sql.decisionOf.get(datasetId, setId, contentId);
      if (before?.decision === 'accepted' && (decision !== 'accepted' || before.region !== region)) {
        this.tags.remove(datasetId, [contentId], spuriousTag(before.region));
      }
      if (decision === 'accepted') this.tags.add(datasetId, [contentId], spuriousTag(region));
      if (decision === null) this.sql.forget.run(datasetId, setId, contentId);
      else this.sql.decide.run(datasetId, setId, contentId, decision, region, now());
    }
  }
}
