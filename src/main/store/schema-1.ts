/**
 * The first schema. Everything is keyed by integer ids so rows and indexes stay small
 * (the budget is under 2 KB per image); results hang off content ids, not paths, so a
 * renamed or re-scanned file keeps its cache and its tags. Tables are STRICT: a wrong
 * type is an error, not a silent conversion.
 */
export const SCHEMA_1 = `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  root TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- One row per distinct image content. Width and height are known once decoded.
CREATE TABLE contents (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  bytes INTEGER NOT NULL,
  width INTEGER,
  height INTEGER
) STRICT;

-- A file of a dataset. Rows are never deleted: a file gone from disk is present = 0.
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  path TEXT NOT NULL,
  content_id INTEGER NOT NULL REFERENCES contents(id),
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  label TEXT NOT NULL,
  present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),
  UNIQUE (dataset_id, path)
) STRICT;
CREATE INDEX images_by_label ON images(dataset_id, label);
CREATE INDEX images_by_content ON images(content_id);

CREATE TABLE image_attributes (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (image_id, name)
) STRICT, WITHOUT ROWID;
CREATE INDEX image_attributes_by_value ON image_attributes(name, value);

-- ord keeps the annotation order and allows two boxes of the same name (two faces).
CREATE TABLE regions (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  name TEXT NOT NULL,
  x0 REAL NOT NULL,
  y0 REAL NOT NULL,
  x1 REAL NOT NULL,
  y1 REAL NOT NULL,
  PRIMARY KEY (image_id, ord)
) STRICT, WITHOUT ROWID;

CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('layers', 'graph')),
  classes TEXT NOT NULL,
  config TEXT NOT NULL,
  -- The layer a first audit resolved when none was asked for: later audits reuse it
  -- without loading the model, so a fully cached re-run stays fast.
  default_layer TEXT,
  added_at TEXT NOT NULL
) STRICT;

CREATE TABLE result_sets (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES models(id),
  layer TEXT NOT NULL,
  method TEXT NOT NULL,
  UNIQUE (model_id, layer, method)
) STRICT;

-- top is JSON [[index, logit, prob], ...]: tuples, because keys repeated five times
-- per image would cost more than the numbers.
CREATE TABLE predictions (
  content_id INTEGER NOT NULL REFERENCES contents(id),
  model_id INTEGER NOT NULL REFERENCES models(id),
  predicted INTEGER NOT NULL,
  prob REAL NOT NULL,
  logit REAL NOT NULL,
  top TEXT NOT NULL,
  PRIMARY KEY (content_id, model_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX predictions_by_class ON predictions(model_id, predicted, prob);
CREATE INDEX predictions_by_prob ON predictions(model_id, prob);

-- map is shared/map-codec's encoding; max is its scale and the map's maximum.
CREATE TABLE results (
  id INTEGER PRIMARY KEY,
  set_id INTEGER NOT NULL REFERENCES result_sets(id),
  content_id INTEGER NOT NULL REFERENCES contents(id),
  target INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  map BLOB NOT NULL CHECK (length(map) = width * height * 2),
  max REAL NOT NULL,
  entropy REAL NOT NULL,
  peak_x REAL NOT NULL,
  peak_y REAL NOT NULL,
  spread REAL NOT NULL,
  box_x0 REAL,
  box_y0 REAL,
  box_x1 REAL,
  box_y1 REAL,
  UNIQUE (set_id, content_id, target)
) STRICT;
CREATE INDEX results_by_max ON results(set_id, max);
CREATE INDEX results_by_entropy ON results(set_id, entropy);
CREATE INDEX results_by_peak_x ON results(set_id, peak_x);
CREATE INDEX results_by_peak_y ON results(set_id, peak_y);
CREATE INDEX results_by_spread ON results(set_id, spread);

CREATE TABLE region_stats (
  result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
  region TEXT NOT NULL,
  mass REAL NOT NULL,
  box_iou REAL NOT NULL,
  PRIMARY KEY (result_id, region)
) STRICT, WITHOUT ROWID;
CREATE INDEX region_stats_by_mass ON region_stats(region, mass);

-- The user's work: keyed by content so it survives renames and re-scans.
CREATE TABLE tags (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  content_id INTEGER NOT NULL REFERENCES contents(id),
  tag TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (dataset_id, content_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags(dataset_id, tag);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  model_id INTEGER NOT NULL REFERENCES models(id),
  layer TEXT NOT NULL,
  methods TEXT NOT NULL,
  targets TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'done', 'cancelled', 'failed', 'interrupted')),
  total INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
) STRICT;

CREATE TABLE errors (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  path TEXT NOT NULL,
  content_id INTEGER REFERENCES contents(id),
  stage TEXT NOT NULL CHECK (stage IN ('scan', 'decode', 'explain')),
  reason TEXT NOT NULL,
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (dataset_id, path, stage)
) STRICT, WITHOUT ROWID;
`;
