import { describe, expect, it } from 'vitest';
import { fitConcepts, type ConceptComponent, type ConceptFit } from '../../../src/main/analysis/concepts';
import { whereWords } from '../../../src/main/analysis/concepts/audit-concepts';
import { mergeAlike } from '../../../src/main/analysis/concepts/concepts';
import { unitPoints } from '../../../src/main/analysis/concepts/kmeans';
import { cosine, noisy, randomDirection, seededRandom } from './synthetic';

const DIM = 32;
const SIGMA = 0.08;

interface Truth {
  badgeImages: number;
  badgeMass: number;
  totalMass: number;
  /** Per image: mass on the object and on the badge. */
  masses: { object: number; badge: number }[];
}

/**
 * A planted-cue population: every image has its class's object in the middle (split in
 * two pieces in some), and a share of them a badge, drawn from one direction shared by
 * the classes, in a top corner (left or right at random, as maps would have it).
 */
function population(classes: { object: Float32Array; images: number; badgeShare: number }[], badge: Float32Array, seed: number): { components: ConceptComponent[][]; truth: Truth[] } {
  const random = seededRandom(seed);
  const components: ConceptComponent[][] = [];
  const truth: Truth[] = [];
  classes.forEach(({ object, images, badgeShare }, klass) => {
    const list: ConceptComponent[] = [];
    const t: Truth = { badgeImages: 0, badgeMass: 0, totalMass: 0, masses: [] };
    for (let i = 0; i < images; i++) {
      const imageId = `${klass}-${i}`;
      const objectMass = 0.2 + random();
      const pieces = random() < 0.3 ? 2 : 1;
      for (let p = 0; p < pieces; p++) {
        list.push({ imageId, vector: noisy(object, SIGMA, random), mass: objectMass / pieces, centroid: { x: 0.4 + 0.2 * random(), y: 0.45 + 0.2 * random() } });
      }
      let badgeMass = 0;
      if (random() < badgeShare) {
        badgeMass = 0.2 + random();
        const left = random() < 0.5;
        list.push({ imageId, vector: noisy(badge, SIGMA, random), mass: badgeMass, centroid: { x: left ? 0.1 + 0.1 * random() : 0.8 + 0.1 * random(), y: 0.05 + 0.2 * random() } });
        t.badgeImages++;
      }
      t.badgeMass += badgeMass;
      t.totalMass += objectMass + badgeMass;
      t.masses.push({ object: objectMass, badge: badgeMass });
    }
    components.push(list);
    truth.push(t);
  });
  return { components, truth };
}

/** The concept whose centroid is nearest a direction. */
function nearest(fit: ConceptFit, direction: Float32Array): { id: number; cosine: number } {
  let best = { id: -1, cosine: -Infinity };
  for (const concept of fit.concepts) {
    const c = cosine(concept.centroid, direction);
    if (c > best.cosine) best = { id: concept.id, cosine: c };
  }
  return best;
}

describe('fitConcepts on a planted cue', () => {
  const random = seededRandom(99);
  const badge = randomDirection(DIM, random);
  const objects = [randomDirection(DIM, random), randomDirection(DIM, random)];
  const { components, truth } = population(
    [
      { object: objects[0]!, images: 600, badgeShare: 0.8 },
      { object: objects[1]!, images: 400, badgeShare: 0 },
    ],
    badge,
    7,
  );
  const cued = fitConcepts(components[0]!, { seed: 3 });

  it('finds the badge and the object as the two concepts of the cued class', () => {
    expect(cued.concepts).toHaveLength(2);
    expect(Math.max(...cued.scores.map((s) => s.silhouette))).toBe(cued.scores.find((s) => s.k === 2)!.silhouette);
    const found = nearest(cued, badge);
    expect(found.cosine).toBeGreaterThan(0.99);
    expect(nearest(cued, objects[0]!).cosine).toBeGreaterThan(0.99);
    expect(nearest(cued, objects[0]!).id).not.toBe(found.id);
  });

  it('places the badge in the top corners, with its planted share of the evidence and its images', () => {
    const concept = cued.concepts[nearest(cued, badge).id]!;
    const t = truth[0]!;
    expect(concept.location[0]! + concept.location[2]!).toBeGreaterThan(0.99);
    expect(concept.location[1]).toBe(0);
    expect(concept.meanCentroid.y).toBeLessThan(0.25);
    expect(concept.share).toBeCloseTo(t.badgeMass / t.totalMass, 6);
    expect(concept.images).toBe(t.badgeImages);
    expect(Math.abs(t.badgeImages / 600 - 0.8)).toBeLessThan(0.05);
    const object = cued.concepts[nearest(cued, objects[0]!).id]!;
    expect(object.images).toBe(600);
    expect(object.location[4]).toBeGreaterThan(0.99);
    expect(object.share + concept.share).toBeCloseTo(1, 9);
    expect(cued.concepts[0]!.share).toBeGreaterThanOrEqual(cued.concepts[1]!.share);
  });

  it('flags each image with its dominant concept and whether it is mixed', () => {
    const badgeId = nearest(cued, badge).id;
    const objectId = nearest(cued, objects[0]!).id;
    let dominatedByBadge = 0;
    cued.images.forEach((image, i) => {
      const { object, badge: b } = truth[0]!.masses[i]!;
      expect(image.imageId).toBe(`0-${i}`);
      expect(image.masses[objectId]).toBeCloseTo(object, 6);
      expect(image.masses[badgeId]).toBeCloseTo(b, 6);
      expect(image.dominant).toBe(b > object ? badgeId : objectId);
      expect(image.mixed).toBe(Math.min(object, b) >= Math.max(object, b) / 2);
      if (b > object) dominatedByBadge++;
    });
    expect(cued.concepts[badgeId]!.dominated).toBe(dominatedByBadge);
    expect(cued.concepts[objectId]!.dominated).toBe(600 - dominatedByBadge);
    expect(cued.images.some((image) => image.mixed)).toBe(true);
    expect(cued.images.some((image) => !image.mixed)).toBe(true);
  });

  it('fits on a quarter of the images the same concepts as on all', () => {
    expect(cued.sample.images).toBe(150);
    expect(cued.sample.components).toBeGreaterThanOrEqual(200);
    const all = fitConcepts(components[0]!, { seed: 3, sampleShare: 1 });
    expect(all.sample.images).toBe(600);
    expect(all.concepts).toHaveLength(cued.concepts.length);
    for (const concept of all.concepts) expect(Math.max(...cued.concepts.map((c) => cosine(c.centroid, concept.centroid)))).toBeGreaterThan(0.99);
    expect([...all.assignment].map((id) => all.concepts[id]!.centroid).every((c, i) => cosine(c, cued.concepts[cued.assignment[i]!]!.centroid) > 0.99)).toBe(true);
  });

  it('finds no badge in the class without one', () => {
    const clean = fitConcepts(components[1]!, { seed: 3 });
    for (const concept of clean.concepts) {
      expect(cosine(concept.centroid, badge)).toBeLessThan(0.5);
      expect(cosine(concept.centroid, objects[1]!)).toBeGreaterThan(0.9);
    }
  });

  it('is deterministic for a seed, and takes k when given', () => {
    const again = fitConcepts(components[0]!, { seed: 3 });
    expect([...again.assignment]).toEqual([...cued.assignment]);
    expect(again.concepts.map((c) => [...c.centroid])).toEqual(cued.concepts.map((c) => [...c.centroid]));
    const three = fitConcepts(components[0]!, { seed: 3, k: 3 });
    expect(three.concepts).toHaveLength(3);
    expect(three.scores).toEqual([]);
  });
});

describe('fitConcepts on a cue close to the object', () => {
  it('still separates them at the cosine measured between cue and object one layer before the explained one (0.64)', () => {
    const random = seededRandom(5);
    const badge = randomDirection(DIM, random);
    const other = randomDirection(DIM, random);
    const along = cosine(other, badge);
    const orthogonal = other.map((x, i) => x - along * badge[i]!);
    const norm = Math.hypot(...orthogonal);
    const object = badge.map((x, i) => 0.64 * x + Math.sqrt(1 - 0.64 ** 2) * (orthogonal[i]! / norm));
    expect(cosine(object, badge)).toBeCloseTo(0.64, 6);
    const { components, truth } = population([{ object, images: 400, badgeShare: 0.8 }], badge, 9);
    const fit = fitConcepts(components[0]!, { seed: 2 });
    expect(fit.concepts).toHaveLength(2);
    const found = nearest(fit, badge);
    expect(found.cosine).toBeGreaterThan(0.99);
    expect(fit.concepts[found.id]!.share).toBeCloseTo(truth[0]!.badgeMass / truth[0]!.totalMass, 6);
  });
});

describe('fitConcepts edge cases', () => {
  it('leaves zero descriptors unassigned and out of the masses, and an image with none has no dominant concept', () => {
    const a = Float32Array.from([1, 0, 0]);
    const b = Float32Array.from([0, 1, 0]);
    const at = { x: 0.5, y: 0.5 };
    const components: ConceptComponent[] = [];
    for (let i = 0; i < 6; i++) {
      components.push({ imageId: i, vector: a, mass: 1, centroid: at });
      components.push({ imageId: i, vector: b, mass: 0.4, centroid: at });
    }
    components.push({ imageId: 6, vector: new Float32Array(3), mass: 5, centroid: at });
    const fit = fitConcepts(components, { seed: 1, k: 2 });
    expect(fit.assignment[12]).toBe(-1);
    expect(fit.images[6]).toMatchObject({ imageId: 6, dominant: -1, mixed: false });
    expect([...fit.images[6]!.masses]).toEqual([0, 0]);
    expect(fit.images[0]).toMatchObject({ dominant: 0, mixed: false });
    expect(fit.concepts[0]!.share).toBeCloseTo(6 / 8.4, 9);
    expect(fit.concepts[0]!.dominated).toBe(6);
    expect(fit.concepts[1]!.dominated).toBe(0);
    expect(fit.concepts[1]!.images).toBe(6);
  });
});

describe('mergeAlike', () => {
  const unit = (...v: number[]) => {
    const n = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / n);
  };
  const sampleOf = (vectors: Float32Array[], weights: number[]) => unitPoints(vectors, weights);

  it('merges centroids that point the same way, weighted by their mass, and keeps distinct ones', () => {
    const a = unit(1, 0.01, 0);
    const b = unit(1, -0.01, 0);
    const c = unit(0, 1, 0);
    const sample = sampleOf([a, a, a, b, c], [1, 1, 1, 1, 1]);
    const merged = mergeAlike([a, b, c], sample, 0.99);
    expect(merged).toHaveLength(2);
    // Three sampled points by a, one by b: the merged direction leans to a.
    expect(merged[0]![1]!).toBeGreaterThan(0);
    expect(Math.hypot(...merged[0]!)).toBeCloseTo(1, 6);
    expect(Array.from(merged[1]!)).toEqual(Array.from(c));
    expect(mergeAlike([a, c], sample, 0.99)).toHaveLength(2);
  });
});

describe('whereWords', () => {
  const at = (shares: Record<number, number>) => Array.from({ length: 9 }, (_, i) => shares[i] ?? 0);
  it('names the ninths holding a quarter of the mass, corners in pairs, the largest when none does', () => {
    expect(whereWords(at({ 0: 0.55, 2: 0.45 }))).toBe('top corners');
    expect(whereWords(at({ 4: 0.9, 1: 0.1 }))).toBe('centre');
    expect(whereWords(at({ 7: 0.5, 4: 0.3, 1: 0.2 }))).toBe('bottom and centre');
    expect(whereWords(at({ 0: 0.2, 1: 0.1, 2: 0.1, 3: 0.1, 4: 0.1, 5: 0.1, 6: 0.1, 7: 0.1, 8: 0.1 }))).toBe('top-left');
  });
});
