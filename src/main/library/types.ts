/** A dataset on disk as the library sees it: files, labels, attributes, regions. */

/** A named box in pixels of the original image, as displayed (EXIF orientation applied); x1, y1 exclusive. */
export interface RegionBox {
  name: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** One image file found in a dataset, before hashing. */
export interface ListedFile {
  /** Path relative to the dataset root, with forward slashes. */
  path: string;
  /** Bytes on disk. */
  size: number;
  mtimeMs: number;
  label: string;
  /** Further manifest columns (empty for folder datasets). */
  attributes: Record<string, string>;
}

/** A file the scan could not use, and why in a few words. */
export interface ScanProblem {
  path: string;
  reason: string;
}

export interface DatasetListing {
  /** Absolute, resolved root folder. */
  root: string;
  /** Where labels came from. */
  source: 'folders' | 'manifest';
  /** Sorted label names. */
  labels: string[];
  /** Sorted by path. */
  files: ListedFile[];
  problems: ScanProblem[];
  /** Regions per relative path, from regions.csv and/or COCO JSON. */
  regions: Map<string, RegionBox[]>;
  /** Manifest attribute columns, in file order. */
  attributeNames: string[];
  /** Every region name used, sorted. */
  regionNames: string[];
}

/** What a previous scan recorded for a path: equal size and mtime mean the hash still holds. */
export interface KnownFile {
  size: number;
  mtimeMs: number;
  hash: string;
}

/** A listed file with its content hash. */
export interface HashedFile extends ListedFile {
  hash: string;
}
