/**
 * Schema 7: the causal tests of concepts, kept so the report and the app do not edit
 * and predict hundreds of images again. A row is one run's answer for every class, keyed
 * by what decides it: the dataset and result set, the descriptor layer, the fit's and
 * the tests' options (seed, k, caps), and a fingerprint of the component rows they ran
 * on (a re-audit that changes a map changes it, and the row is simply not found). Not
 * counted in the revision: a cache of derived numbers, not the user's findings.
 */
import type Database from 'better-sqlite3';

const SCHEMA_7 = `
CREATE TABLE concept_tests (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  set_id INTEGER NOT NULL REFERENCES result_sets(id),
  descriptor_layer TEXT NOT NULL,
  options TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (dataset_id, set_id, descriptor_layer, options)
) STRICT, WITHOUT ROWID;
`;

export function schema7(db: Database.Database): void {
  db.exec(SCHEMA_7);
}
