/** Agreement of a clustering with a known truth, checked on partitions whose answers are known by hand. */
import { describe, expect, it } from 'vitest';
import { clusterAgreement, homogeneity, majorityAgreement } from '../../src/main/analysis/cluster-agreement';
import { cueMass, focusOf } from '../../src/main/analysis/concept-validation';
import { encodeMap } from '../../src/shared/map-codec';
import { mapOf } from './helpers';

describe('homogeneity', () => {
  it('is 1 when every cluster holds one truth, even with a truth split in two', () => {
    expect(homogeneity(['cue', 'cue', 'object', 'object'], [0, 1, 2, 2])).toBe(1);
  });

  it('is 0 when every cluster holds the truths in the proportions of the whole', () => {
    expect(homogeneity(['cue', 'object', 'cue', 'object'], [0, 0, 1, 1])).toBeCloseTo(0, 12);
  });

  it('matches the conditional-entropy formula on a mixed case', () => {
    // Cluster 0: 3 cue, 1 object; cluster 1: 2 object. H(C) = H(1/2); H(C|K) = 4/6 * H(3/4).
    const h = (p: number) => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    const expected = 1 - ((4 / 6) * h(3 / 4)) / h(1 / 2);
    expect(homogeneity(['cue', 'cue', 'cue', 'object', 'object', 'object'], [0, 0, 0, 0, 1, 1])).toBeCloseTo(expected, 12);
  });

  it('is 1 for a truth with one value, and refuses lists of different lengths', () => {
    expect(homogeneity(['object', 'object'], [0, 1])).toBe(1);
    expect(() => homogeneity(['cue'], [0, 1])).toThrow(/1 truths for 2 cluster labels/);
  });
});

describe('majorityAgreement and clusterAgreement', () => {
  it('count the images whose cluster mostly shares their truth', () => {
    const truth = ['cue', 'cue', 'cue', 'object', 'object', 'object'];
    const clusters = [0, 0, 0, 0, 1, 1];
    expect(majorityAgreement(truth, clusters)).toBe(5);
    const all = clusterAgreement(truth, clusters);
    expect(all).toMatchObject({ images: 6, clusters: 2, majority: 5 });
    expect(all.ari).toBeGreaterThan(0);
    expect(all.ari).toBeLessThan(1);
    expect(clusterAgreement(truth, [5, 5, 5, 9, 9, 9]).ari).toBe(1);
  });
});

describe('cueMass', () => {
  // A 16x16 map of a 64x64 image, cells of 4 pixels: all the evidence on cells (1..2, 1..2).
  const row = (value: (x: number, y: number) => number) => {
    const encoded = encodeMap(mapOf(16, 16, value));
    return { width: 16, height: 16, max: encoded.max, map: encoded.bytes };
  };
  const image = { size: { width: 64, height: 64 }, cue: [{ x0: 4, y0: 4, x1: 12, y1: 12 }], object: [{ x0: 32, y0: 32, x1: 60, y1: 60 }] };

  it('counts the mass on the cue grown by one map cell, less the object', () => {
    const onCue = row((x, y) => (x >= 1 && x <= 2 && y >= 1 && y <= 2 ? 1 : 0));
    expect(cueMass(onCue, image)).toBeGreaterThan(0.95);
    expect(focusOf(cueMass(onCue, image))).toBe('cue');
    const onObject = row((x, y) => (x >= 9 && y >= 9 ? 1 : 0));
    expect(cueMass(onObject, image)).toBeLessThan(0.01);
    expect(cueMass(onCue, { ...image, cue: [] })).toBe(0);
  });

  it('by evidence, ignores the faint mass spread over a large object', () => {
    // A strong peak on the cue and a faint wide plateau: most of the mass, little of the evidence.
    const mixed = row((x, y) => (x >= 1 && x <= 2 && y >= 1 && y <= 2 ? 1 : x >= 8 && y >= 8 ? 0.2 : 0));
    expect(focusOf(cueMass(mixed, image))).toBe('object');
    expect(focusOf(cueMass(mixed, image, undefined, { floor: 0.5 }))).toBe('cue');
  });
});
