/**
 * Brings the store up to date with a dataset folder: list, hash what changed (an
 * unchanged file is only stat'ed), sync images, labels, attributes and regions, and
 * record the files that could not be used. Images new to a class get its drawn regions.
 */
import path from 'node:path';
import { hashFiles } from '../library/hash';
import { listDataset } from '../library/scan';
import type { DatasetListing } from '../library/types';
import { applyDrawnRegions } from '../analysis/drawn-regions';
import { refreshRegionStats } from '../analysis/region-refresh';
import type { Store } from '../store';
import type { DatasetRow } from '../store/types';

export interface OpenedDataset {
  dataset: DatasetRow;
  listing: DatasetListing;
  /** Files listed that hashed fine. */
  images: number;
  hashed: number;
  reusedHashes: number;
  /** Files rejected while scanning or hashing. */
  problems: number;
  /** Results whose region statistics were measured again because the boxes changed. */
  regionStatsUpdated: number;
}

export async function openDataset(
  store: Store,
  root: string,
  onPhase: (phase: 'scanning' | 'hashing', done?: number, total?: number) => void = () => {},
  signal?: AbortSignal,
): Promise<OpenedDataset> {
  onPhase('scanning');
  const listing = await listDataset(path.resolve(root), { signal });
  const dataset = store.upsertDataset(listing.root);
  onPhase('hashing', 0, listing.files.length);
  const hashed = await hashFiles(listing.root, listing.files, store.knownFiles(dataset.id), {
    onProgress: (done, total) => onPhase('hashing', done, total),
    signal,
  });
  store.syncImages(dataset.id, hashed.files, listing.regions);
  applyDrawnRegions(store, dataset.id);
  const regionStatsUpdated = refreshRegionStats(store, dataset.id);
  const problems = [...listing.problems, ...hashed.problems];
  // A scan error lasts only while the file is still a problem.
  store.replaceScanErrors(
    dataset.id,
    problems.map((p) => ({ path: p.path, contentId: null, stage: 'scan' as const, reason: p.reason })),
  );
  return { dataset, listing, images: hashed.files.length, hashed: hashed.hashed, reusedHashes: hashed.reused, problems: problems.length, regionStatsUpdated };
}
