import { describe, expect, it } from 'vitest';
import { planRebalance, type RebalanceImage } from '../../src/main/analysis/rebalance';
import { listDataset } from '../../src/main/library';
import { DEMO_DATASET } from '../jobs/demo-subset';

function images(cells: Record<string, number>, tags: Record<string, string[]> = {}): RebalanceImage[] {
  return Object.entries(cells).flatMap(([cell, n]) => {
    const [label, group] = cell.split('/');
    return Array.from({ length: n }, (_, i) => {
      const path = `${label}/${group}_${i}.png`;
      return { path, label: label!, group: group === '-' ? undefined : group, tags: tags[path] ?? [] };
    });
  });
}

const meanWeight = (plan: ReturnType<typeof planRebalance>, label: string) => {
  const ws = plan.images.filter((i) => i.label === label).map((i) => i.weight);
  return ws.reduce((a, b) => a + b, 0) / ws.length;
};

describe('planRebalance', () => {
  it('equal shares: grows each group to the class largest, weights balance the groups', () => {
    const plan = planRebalance(images({ 'doctor/blue': 6, 'doctor/pink': 2, 'nurse/blue': 1, 'nurse/pink': 3 }), 'cue');
    expect(plan.summary).toEqual([
      { label: 'doctor', groupBy: 'cue', group: 'blue', count: 6, share: 0.75, targetCount: 6, deficit: 0 },
      { label: 'doctor', groupBy: 'cue', group: 'pink', count: 2, share: 0.25, targetCount: 6, deficit: 4 },
      { label: 'nurse', groupBy: 'cue', group: 'blue', count: 1, share: 0.25, targetCount: 3, deficit: 2 },
      { label: 'nurse', groupBy: 'cue', group: 'pink', count: 3, share: 0.75, targetCount: 3, deficit: 0 },
    ]);
    const weight = (path: string) => plan.images.find((i) => i.path === path)!;
    // Sampled with these weights, each group is half its class.
    expect(weight('doctor/pink_0.png')).toMatchObject({ action: 'upweight', weight: 2 });
    expect(weight('doctor/blue_0.png').action).toBe('downweight');
    expect(weight('doctor/blue_0.png').weight).toBeCloseTo(2 / 3, 12);
    expect(meanWeight(plan, 'doctor')).toBeCloseTo(1, 12);
    expect(meanWeight(plan, 'nurse')).toBeCloseTo(1, 12);
    expect(weight('doctor/pink_0.png').reason).toBe('doctor x cue=pink is 25% of doctor; target 50%');
  });

  it('tags decide first: duplicate removes, mislabeled relabels, flags and spurious focus go to review', () => {
    const tags = {
      'doctor/blue_0.png': ['duplicate', 'flagged'],
      'doctor/blue_1.png': ['mislabeled'],
      'doctor/blue_2.png': ['spurious:face'],
      'doctor/blue_3.png': ['ok'],
    };
    const plan = planRebalance(images({ 'doctor/blue': 4, 'doctor/pink': 4 }, tags), 'cue');
    expect(plan.images.slice(0, 4).map((i) => [i.action, i.reason])).toEqual([
      ['remove', 'tagged duplicate'],
      ['relabel', 'tagged mislabeled'],
      ['review', 'tagged spurious:face'],
      ['keep', 'doctor x cue=blue is 50% of doctor, as targeted'],
    ]);
  });

  it('overall shares: each class gets the dataset-wide share of each group, adding only', () => {
    // Dataset-wide, blue is 3 in 4: beside its 3 pink, the nurse class needs 9 blue (it has 1).
    const plan = planRebalance(images({ 'doctor/blue': 11, 'doctor/pink': 1, 'nurse/blue': 1, 'nurse/pink': 3 }), 'cue', 'overall');
    const nurse = plan.summary.filter((c) => c.label === 'nurse');
    expect(nurse.map((c) => [c.group, c.targetCount, c.deficit])).toEqual([
      ['blue', 9, 8],
      ['pink', 3, 0],
    ]);
    expect(meanWeight(plan, 'nurse')).toBeCloseTo(1, 12);
    expect(plan.images.find((i) => i.path === 'nurse/blue_0.png')!.weight).toBeCloseTo(3, 12);
  });

  it('puts images without the attribute in a group of their own', () => {
    const plan = planRebalance(images({ 'doctor/blue': 2, 'doctor/-': 2 }), 'cue');
    expect(plan.summary.map((c) => c.group)).toEqual(['(none)', 'blue']);
  });

  it('on the demo, names exactly the under-represented class x cue cells, with their counts', async () => {
    const listing = await listDataset(DEMO_DATASET);
    const plan = planRebalance(
      listing.files.map((f) => ({ path: f.path, label: f.label, group: f.attributes['cue'], tags: [] })),
      'cue',
    );
    const short = plan.summary.filter((c) => c.deficit > 0).map((c) => [c.label, c.group, c.count, c.targetCount, c.deficit]);
    // 600 + 100 per class; the usual cue in 552 + 50, the other in 48 + 50.
    expect(short).toEqual([
      ['doctor', 'pink', 98, 602, 504],
      ['nurse', 'blue', 98, 602, 504],
    ]);
  });
});
