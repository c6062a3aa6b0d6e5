/**
 * The arithmetic of concept boxes: a component's cells as a box of the map grid, that
 * box on the image through the model's frame (a centre crop shifts and shrinks it), one
 * pixel box per image containing a concept, and the region roles a name joins.
 */
import { describe, expect, it } from 'vitest';
import type { ClassConceptFit } from '../../src/main/analysis/concepts';
import type { ComponentRow } from '../../src/main/store';
import { conceptBoxes, rulesWithConcept } from '../../src/main/workspace/concept-names';
import { cellsBox, mapToImage } from '../../src/main/workspace/concept-view';

/** A component on a width x height grid covering these cells. */
function row(imageId: number, cells: number[], grid = 4, image: { width: number | null; height: number | null } = { width: 100, height: 100 }): ComponentRow {
  const mask = new Uint8Array(Math.ceil((grid * grid) / 8));
  for (const cell of cells) mask[cell >> 3]! |= 1 << (cell & 7);
  return {
    imageId,
    contentId: imageId,
    path: `a/${imageId}.png`,
    label: 'a',
    predicted: 0,
    target: 0,
    width: grid,
    height: grid,
    imageWidth: image.width,
    imageHeight: image.height,
    share: 1,
    mass: 1,
    cx: 0,
    cy: 0,
    cells: mask,
    descriptor: new Int8Array([127]),
  };
}

describe('concept boxes', () => {
  it('bound the cells on the grid, x1 and y1 exclusive', () => {
    // Cells 1 and 6 of a 4x4 grid: columns 1..2, rows 0..1.
    expect(cellsBox(row(1, [1, 6]))).toEqual({ x0: 0.25, y0: 0, x1: 0.75, y1: 0.5 });
    expect(cellsBox(row(1, [15]))).toEqual({ x0: 0.75, y0: 0.75, x1: 1, y1: 1 });
  });

  it('sit on the image through the frame of a centre-cropped model', () => {
    const box = { x0: 0, y0: 0, x1: 0.5, y1: 0.5 };
    expect(mapToImage(box, { width: 200, height: 100 }, undefined)).toEqual(box);
    // Resize(100) keeps 200x100; CenterCrop(100x100) takes columns 50..150.
    expect(mapToImage(box, { width: 200, height: 100 }, { shorterSide: 100, centerCrop: [100, 100] })).toEqual({ x0: 0.25, y0: 0, x1: 0.5, y1: 0.5 });
    // An image never decoded has no frame yet: the map's fractions stand.
    expect(mapToImage(box, { width: null, height: null }, { shorterSide: 100, centerCrop: [100, 100] })).toEqual(box);
  });

  it('give one pixel box per image containing the concept, the union of its components there', () => {
    const rows = [row(1, [0]), row(1, [5]), row(2, [15]), row(3, [0], 4, { width: null, height: null }), row(4, [10])];
    const fit = { rows, assignment: Int32Array.from([0, 0, 0, 0, 1]) } as unknown as ClassConceptFit;
    expect(conceptBoxes(fit, 0, undefined)).toEqual([
      { imageId: 1, x0: 0, y0: 0, x1: 50, y1: 50 },
      { imageId: 2, x0: 75, y0: 75, x1: 100, y1: 100 },
    ]);
    expect(conceptBoxes(fit, 1, undefined)).toEqual([{ imageId: 4, x0: 50, y0: 50, x1: 75, y1: 75 }]);
  });

  it('join the region roles under their role, replacing the name they had', () => {
    const rules = { spurious: ['face', 'badge'], evidence: ['ring'], threshold: 0.5 };
    expect(rulesWithConcept(rules, 'badge', 'red badge', 'spurious')).toEqual({ spurious: ['face', 'red badge'], evidence: ['ring'], threshold: 0.5 });
    expect(rulesWithConcept(rules, null, 'badge', 'evidence')).toEqual({ spurious: ['face'], evidence: ['ring', 'badge'], threshold: 0.5 });
    expect(rulesWithConcept(rules, 'badge', null, 'spurious')).toEqual({ spurious: ['face'], evidence: ['ring'], threshold: 0.5 });
  });
});
