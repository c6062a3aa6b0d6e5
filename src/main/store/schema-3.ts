/**
 * Schema 3: region statistics know the region geometry they were measured on.
 *
 * `regions_key` fingerprints the boxes (and the image size) a result's region_stats
 * rows were computed from. When annotations are edited, added or removed, the rows
 * whose key no longer matches are measured again from the stored map: no map is
 * recomputed, and no statistic outlives the boxes it describes. NULL (results
 * written before this version) counts as stale, so old files are brought right once.
 */
export const SCHEMA_3 = `
ALTER TABLE results ADD COLUMN regions_key TEXT;
`;
