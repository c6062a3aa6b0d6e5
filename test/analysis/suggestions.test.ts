/** The spurious-focus rule on hand-made masses. */
import { describe, expect, it } from 'vitest';
import { judgeFocus } from '../../src/main/analysis/suggestions';

const rules = { spurious: ['face', 'hair'], evidence: ['object'], threshold: 0.5 };
const masses = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('judgeFocus', () => {
  it('suggests a map holding the threshold on the spurious regions together, naming the larger one', () => {
    const judged = judgeFocus(masses({ face: 0.3, hair: 0.25, object: 0.1 }), rules);
    expect(judged).toEqual({ spurious: 0.55, evidence: 0.1, region: 'face', reason: 'threshold' });
  });

  it('suggests a map split between spurious and evidence when the spurious side has more', () => {
    expect(judgeFocus(masses({ face: 0.3, object: 0.25 }), rules).reason).toBe('over-evidence');
    expect(judgeFocus(masses({ face: 0.25, object: 0.3 }), rules).reason).toBeNull();
  });

  it('does not suggest a diffuse map that merely covers more spurious area than evidence', () => {
    // A map spread over the picture: a large spurious box collects more mass than a small object.
    expect(judgeFocus(masses({ face: 0.24, object: 0.04 }), rules).reason).toBeNull();
  });

  it('caps overlapping boxes at the whole map and suggests nothing without a spurious region', () => {
    expect(judgeFocus(masses({ face: 0.8, hair: 0.7 }), rules).spurious).toBe(1);
    expect(judgeFocus(masses({ face: 0.9 }), { spurious: [], evidence: ['object'], threshold: 0.5 })).toMatchObject({ reason: null, region: null });
  });

  it('honours the threshold, inclusive', () => {
    expect(judgeFocus(masses({ face: 0.4 }), { ...rules, threshold: 0.4 }).reason).toBe('threshold');
    expect(judgeFocus(masses({ face: 0.4 }), { ...rules, threshold: 0.41 }).reason).toBeNull();
  });
});
