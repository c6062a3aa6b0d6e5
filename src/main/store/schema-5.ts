/**
 * Schema 5: a revision number that moves whenever what an export reads changes.
 *
 * Triggers bump it on every insert, update and delete of the tables findings are made
 * of: the dataset and its images, regions and attributes, results and predictions, tags,
 * region roles, decisions, notes, drawn regions and errors. Not on `jobs` (a run that
 * computes nothing still records itself) nor `models` (a model's row is rewritten with
 * the same values on every run; a new model brings new results anyway). An export that
 * finds the revision it was written at, and its files untouched, need not be written again.
 */
import type Database from 'better-sqlite3';

export const REVISED_TABLES = [
  'datasets',
  'contents',
  'images',
  'image_attributes',
  'regions',
  'result_sets',
  'predictions',
  'results',
  'region_stats',
  'tags',
  'errors',
  'region_roles',
  'focus_thresholds',
  'suggestion_decisions',
  'dataset_notes',
  'drawn_regions',
] as const;

export function schema5(db: Database.Database): void {
  db.exec(`
    CREATE TABLE revision (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      value INTEGER NOT NULL
    ) STRICT;
    INSERT INTO revision (id, value) VALUES (1, 0);
  `);
  for (const table of REVISED_TABLES) {
    for (const change of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TRIGGER revise_${table}_${change.toLowerCase()} AFTER ${change} ON ${table}
               BEGIN UPDATE revision SET value = value + 1 WHERE id = 1; END`);
    }
  }
}
