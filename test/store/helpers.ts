/** Builders for store tests: real files in temp folders, inputs shaped like the scan's and the worker's. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { tempDir as freshDir } from '../fixtures/temp';
import { encodeMap } from '../../src/shared/map-codec';
import type { HashedFile, RegionBox } from '../../src/main/library/types';
import { openStore, type Store } from '../../src/main/store';
import type { ImageResult, MapToStore } from '../../src/main/store/types';

/** A fresh folder, removed when the test file ends. */
export function tempDir(prefix = 'biascope-store-'): string {
  return freshDir(prefix);
}

export function freshStore(): Store {
  return openStore(path.join(tempDir(), 'audit.db'));
}

export function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function file(filePath: string, content: string, extra: Partial<HashedFile> = {}): HashedFile {
  return { path: filePath, size: content.length, mtimeMs: 1_700_000_000_000.5, label: filePath.split('/')[0], attributes: {}, hash: hashOf(content), ...extra };
}

export const REGION_NAMES = ['face', 'hair', 'object', 'background'];

export function regionsFor(seed: number): RegionBox[] {
  return REGION_NAMES.map((name, i) => ({ name, x0: i * 10 + seed, y0: i * 5, x1: i * 10 + 20 + seed, y1: i * 5 + 30 }));
}

/** A deterministic pseudo-random map of the given size. */
export function mapFor(seed: number, method: MapToStore['method'], target: number, size = 14): MapToStore {
  const data = new Float32Array(size * size).map((_, i) => Math.abs(Math.sin(seed * 7.3 + i * 0.37)) * (1 + (seed % 5)));
  const encoded = encodeMap({ width: size, height: size, data });
  return {
    method,
    target,
    width: size,
    height: size,
    blob: encoded.bytes,
    stats: {
      max: encoded.max,
      entropy: 4 + (seed % 100) / 37,
      peakX: (seed % 14) / 14,
      peakY: ((seed * 3) % 14) / 14,
      spread: 0.1 + (seed % 17) / 50,
      box: seed % 10 === 0 ? null : { x0: 0.125, y0: 0.25, x1: 0.5 + (seed % 7) / 20, y1: 0.875 },
      // Sorted by name: the store returns region statistics in name order.
      regions: [...REGION_NAMES].sort().map((name, i) => ({ name, mass: ((seed + i) % 9) / 9, boxIou: ((seed * i) % 11) / 11 })),
    },
  };
}

export function resultFor(contentId: number, seed: number, maps: MapToStore[], classes = 5): ImageResult {
  const top = Array.from({ length: Math.min(5, classes) }, (_, k) => ({
    index: (seed + k) % classes,
    logit: 3.14159265358979 - k * 1.1 + seed / 1000,
    prob: 0.9 / (k + 1) + seed / 1e6,
  }));
  return {
    contentId,
    width: 640,
    height: 480,
    prediction: { predicted: top[0].index, prob: top[0].prob, logit: top[0].logit, top },
    maps,
  };
}
