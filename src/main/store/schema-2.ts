/**
 * The second schema: the user's findings beside their tags, and their notes. Region roles and the
 * threshold are per dataset (the face is spurious whatever the model); decisions on
 * suggestions are per result set, since a retrained model earns its own review.
 * Regions drawn by the user are kept as fractions of the image, per class, so they
 * apply to pictures of any size and to images added later.
 */
export const SCHEMA_2 = `
-- The backend that computed a job's maps ("wasm (SIMD)"), so a report made later can
-- say it; null for a job that computed nothing (everything was cached).
ALTER TABLE jobs ADD COLUMN backend TEXT;

CREATE TABLE region_roles (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  region TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('spurious', 'evidence')),
  PRIMARY KEY (dataset_id, region)
) STRICT, WITHOUT ROWID;

CREATE TABLE focus_thresholds (
  dataset_id INTEGER PRIMARY KEY REFERENCES datasets(id),
  threshold REAL NOT NULL CHECK (threshold >= 0 AND threshold <= 1)
) STRICT;

-- region is the spurious region the accepted suggestion was tagged with.
CREATE TABLE suggestion_decisions (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  set_id INTEGER NOT NULL REFERENCES result_sets(id),
  content_id INTEGER NOT NULL REFERENCES contents(id),
  decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  region TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (dataset_id, set_id, content_id)
) STRICT, WITHOUT ROWID;

-- The user's notes on a dataset's audit, printed in the report.
CREATE TABLE dataset_notes (
  dataset_id INTEGER PRIMARY KEY REFERENCES datasets(id),
  text TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE drawn_regions (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  label TEXT NOT NULL,
  name TEXT NOT NULL,
  x0 REAL NOT NULL CHECK (x0 >= 0 AND x0 <= 1),
  y0 REAL NOT NULL CHECK (y0 >= 0 AND y0 <= 1),
  x1 REAL NOT NULL CHECK (x1 >= 0 AND x1 <= 1),
  y1 REAL NOT NULL CHECK (y1 >= 0 AND y1 <= 1),
  created_at TEXT NOT NULL,
  PRIMARY KEY (dataset_id, label, name)
) STRICT, WITHOUT ROWID;
`;
