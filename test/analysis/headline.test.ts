import { describe, expect, it } from 'vitest';
import { shareInterval } from '../../src/main/analysis/bootstrap';
import { headline, splitAttribute, type HeadlineInput } from '../../src/main/analysis/headline';
import { gapSentence } from '../../src/main/export/report/headline-text';

/** `n` crosses with the badge `badge`, `right` of them predicted right, in `split`. */
function crosses(n: number, right: number, badge: string, split = 'test', mass = 0): HeadlineInput[] {
  return Array.from({ length: n }, (_, i) => ({
    label: 'cross',
    predicted: i < right ? 'cross' : 'circle',
    confidence: 0.9,
    attributes: { badge, split, id: `${badge}${split}${i}` },
    mass: new Map([['badge', mass]]),
  }));
}

const ATTRIBUTES = [
  { name: 'badge', values: ['blue', 'red'] },
  { name: 'id', values: [] },
];

describe('the lead findings', () => {
  it('states the best group against the worst with intervals, in a sentence to quote', () => {
    const rows = [...crosses(60, 7, 'blue'), ...crosses(60, 60, 'red')];
    const h = headline(rows, ATTRIBUTES, null);
    expect(h.split).toBeNull();
    expect(h.gaps).toHaveLength(1);
    const [gap] = h.gaps;
    expect(gap).toMatchObject({ label: 'cross', attribute: 'badge', best: { group: 'red', correct: 60 }, worst: { group: 'blue', correct: 7 } });
    expect(gap!.worst.accuracy).toEqual(shareInterval(7, 60));
    expect(gap!.gap.low).toBeGreaterThan(0.7);
    const text = gapSentence(gap!);
    expect(text).toMatch(/^cross: accuracy 11\.7 % \(95 % CI \d+\.\d–\d+\.\d %, n = 60\) when badge = blue vs 100 % \(94\.0–100 %, n = 60\) when badge = red; a gap of 88\.3 points/);
  });

  it('keeps train and test apart when an attribute says which is which', () => {
    const rows = [...crosses(20, 20, 'blue', 'train'), ...crosses(20, 20, 'red', 'train'), ...crosses(20, 5, 'blue', 'test'), ...crosses(20, 18, 'red', 'test')];
    const attributes = [...ATTRIBUTES, { name: 'split', values: ['test', 'train'] }];
    const h = headline(rows, attributes, null);
    expect(h.split).toBe('split');
    expect(h.accuracy.map((a) => [a.split, a.correct, a.accuracy.n])).toEqual([
      ['train', 40, 40],
      ['test', 23, 40],
    ]);
    expect(h.gaps.map((g) => [g.split, g.attribute, g.gap.estimate])).toEqual([
      ['train', 'badge', 0],
      ['test', 'badge', 18 / 20 - 5 / 20],
    ]);
    expect(splitAttribute([{ name: 'Subset', values: ['validation'] }])).toBe('Subset');
    expect(splitAttribute([{ name: 'set', values: ['a', 'b'] }])).toBeNull();
  });

  it('counts spurious focus by the review queue rule, and skips groups too small to compare', () => {
    const rows = [...crosses(10, 10, 'blue', 'test', 0.6), ...crosses(10, 10, 'red', 'test', 0.1), ...crosses(3, 0, 'green')];
    const h = headline(rows, [{ name: 'badge', values: ['blue', 'green', 'red'] }], { spurious: ['badge'], evidence: [], threshold: 0.5 });
    expect(h.focus).toEqual([{ label: 'cross', split: null, images: 10, share: shareInterval(10, 23) }]);
    // green has 3 images: under the minimum, so the gap is red against blue, both right every time.
    expect(h.gaps.map((g) => [g.best.group, g.worst.group])).toEqual([['blue', 'red']]);
  });
});
