/** The dataset library: what other modules use to list, hash and decode a dataset. */
export { decodeImage, decodeOriginal, modelInput, decodeRgb, ImageDecodeError, MAX_INPUT_PIXELS, type DecodedImage, type DecodeFailure, type Resizing } from './decode';
export { hashFiles, HASH_CONCURRENCY, type HashOptions, type HashResult } from './hash';
export { DatasetError, listDataset } from './scan';
export type { DatasetListing, HashedFile, KnownFile, ListedFile, RegionBox, ScanProblem } from './types';
