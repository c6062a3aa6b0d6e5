/**
 * The fingerprint of the geometry an image's region statistics are measured on: its
 * size and its boxes by name. Two images with the same key get the same statistics
 * from the same map; any edit of a box, a new name or a removed one changes the key.
 * Order-free: boxes of one name are a union, so their order cannot change a number.
 */
import { createHash } from 'node:crypto';
import type { RegionBox } from '../library/types';

export function regionsKey(image: { width: number; height: number }, regions: readonly RegionBox[]): string {
  const boxes = regions.map((r) => JSON.stringify([r.name, r.x0, r.y0, r.x1, r.y1])).sort();
  return createHash('sha256').update(JSON.stringify([image.width, image.height, boxes])).digest('base64url').slice(0, 22);
}
