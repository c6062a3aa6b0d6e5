/**
 * Schema 8: concepts named as regions. A concept (analysis/concepts) given a name
 * becomes a region of that name on every image containing it, stored as ordinary
 * `regions` rows at ord >= CONCEPT_ORD_BASE (concept-regions.ts), so statistics,
 * suggestions, subgroups and rebalancing read it as they read a drawn region. This
 * table remembers which concept of which fit the name came from, so the concept view
 * shows it and a rename or removal finds its rows: a concept's row on an image sits at
 * ord CONCEPT_ORD_BASE + its id. Two concepts may share a name (the badge seen in the left
 * and in the right corner): on an image holding both, the name's boxes count as their union.
 */
import type Database from 'better-sqlite3';

const SCHEMA_8 = `
CREATE TABLE concept_regions (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  name TEXT NOT NULL,
  model_id INTEGER NOT NULL REFERENCES models(id),
  layer TEXT NOT NULL,
  method TEXT NOT NULL,
  -- The class whose maps the concept groups, its index in the fit, and the fit's k (0: the silhouette's choice) and seed.
  label TEXT NOT NULL,
  concept INTEGER NOT NULL CHECK (concept >= 0),
  k INTEGER NOT NULL CHECK (k >= 0),
  seed INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('spurious', 'evidence')),
  created_at TEXT NOT NULL,
  UNIQUE (dataset_id, model_id, layer, method, label, concept, k, seed)
) STRICT;
CREATE INDEX concept_regions_by_name ON concept_regions (dataset_id, name);
`;

export function schema8(db: Database.Database): void {
  db.exec(SCHEMA_8);
  for (const change of ['INSERT', 'UPDATE', 'DELETE']) {
    db.exec(`CREATE TRIGGER revise_concept_regions_${change.toLowerCase()} AFTER ${change} ON concept_regions
             BEGIN UPDATE revision SET value = value + 1 WHERE id = 1; END`);
  }
}
