/**
 * Concepts on the second planted shortcut (test/fixtures/planted/patch: a checkered patch
 * at a random place on most training rings), audited for real with no region file: the
 * patch is found as a concept of `ring`, the class that uses it, where the patch is, with
 * most of the class's evidence; and each image's dominant concept agrees with where its
 * map truly sits far better than SpRAy's clusters, which group maps by where they are.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateDataset } from '../../fixtures/concept-validation';
import { tempDir } from '../../fixtures/temp';

const PLANTED = path.resolve(import.meta.dirname, '../../fixtures/planted');

function patchBoxes(): Map<string, { x0: number; y0: number; x1: number; y1: number }> {
  const out = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
  for (const line of readFileSync(path.join(PLANTED, 'patch', 'truth.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [file, region, x0, y0, x1, y1] = line.split(',');
    if (region === 'patch') out.set(file!, { x0: +x0!, y0: +y0!, x1: +x1!, y1: +y1! });
  }
  return out;
}

describe('concepts on the planted patch', () => {
  it('find the patch in the class that uses it and agree with where the maps truly sit better than SpRAy', async () => {
    const result = await validateDataset(
      {
        name: 'patch',
        dataset: path.join(PLANTED, 'patch'),
        model: path.join(PLANTED, 'patch-model', 'model.json'),
        boxes: path.join(PLANTED, 'patch', 'truth.csv'),
        cueRegion: 'patch',
      },
      tempDir('biascope-validation-'),
    );
    const boxes = patchBoxes();
    const SIZE = 64;
    const CELL = 4;
    // A component's centre within a map cell of the patch: the map's own resolution.
    const onPatch = (file: string, c: { x: number; y: number }) => {
      const b = boxes.get(file);
      return b !== undefined && c.x * SIZE >= b.x0 - CELL && c.x * SIZE <= b.x1 + CELL && c.y * SIZE >= b.y0 - CELL && c.y * SIZE <= b.y1 + CELL;
    };
    const isPatchConcept = (k: { typical: { path: string; centroid: { x: number; y: number } }[] }) =>
      k.typical.filter((t) => onPatch(t.path, t.centroid)).length >= 0.8 * k.typical.length;

    const ring = result.concepts.find((c) => c.label === 'ring')!;
    const patch = ring.concepts.filter(isPatchConcept);
    expect(patch).toHaveLength(1);
    expect(patch[0]!.share).toBeGreaterThanOrEqual(0.5);
    expect(patch[0]!.typical.length).toBe(10);
    // The patch sits anywhere clear of the ring: the concept is not one place.
    expect(Math.max(...patch[0]!.location)).toBeLessThan(0.5);
    // The cross maps do not use the patch: no cross concept sits on it.
    expect(result.concepts.find((c) => c.label === 'cross')!.concepts.filter(isPatchConcept)).toEqual([]);

    const scored = result.classes.find((c) => c.label === 'ring')!.byEvidence;
    expect(scored.onCue).toBeGreaterThanOrEqual(100);
    expect(scored.concepts.homogeneity).toBeGreaterThanOrEqual(0.5);
    expect(scored.concepts.homogeneity).toBeGreaterThan(scored.spray.homogeneity);
    expect(scored.concepts.ari).toBeGreaterThan(scored.spray.ari);
  });
});
