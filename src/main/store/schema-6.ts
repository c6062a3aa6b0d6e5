/**
 * Schema 6: the evidence components of each map (region-free concepts, see
 * analysis/concepts). A component is a connected region of a map above half its maximum,
 * described by the features of a descriptor layer under it; `described` marks a result
 * whose components for a descriptor layer are stored, none included (an empty map), so
 * a re-run computes only what is missing. About a hundred bytes a component: the cells
 * as a bitmask of the map grid, the descriptor as an int8 unit vector.
 */
import type Database from 'better-sqlite3';

const SCHEMA_6 = `
CREATE TABLE described (
  result_id INTEGER NOT NULL REFERENCES results(id),
  descriptor_layer TEXT NOT NULL,
  PRIMARY KEY (result_id, descriptor_layer)
) STRICT, WITHOUT ROWID;

CREATE TABLE components (
  result_id INTEGER NOT NULL REFERENCES results(id),
  descriptor_layer TEXT NOT NULL,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  share REAL NOT NULL CHECK (share >= 0 AND share <= 1),
  mass REAL NOT NULL CHECK (mass >= 0),
  cx REAL NOT NULL,
  cy REAL NOT NULL,
  cells BLOB NOT NULL,
  descriptor BLOB NOT NULL,
  PRIMARY KEY (result_id, descriptor_layer, idx)
) STRICT, WITHOUT ROWID;
`;

export function schema6(db: Database.Database): void {
  db.exec(SCHEMA_6);
  for (const table of ['described', 'components']) {
    for (const change of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TRIGGER revise_${table}_${change.toLowerCase()} AFTER ${change} ON ${table}
               BEGIN UPDATE revision SET value = value + 1 WHERE id = 1; END`);
    }
  }
}
