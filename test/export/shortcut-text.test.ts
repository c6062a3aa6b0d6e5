import { describe, expect, it } from 'vitest';
import { shortcutSentence, type ShortcutFinding } from '../../src/main/export/report/shortcut-text';

const rate = (hits: number, n: number, low: number, high: number) => ({ hits, n, rate: hits / n, low, high });

const badge: ShortcutFinding = {
  label: 'cross',
  concept: 1,
  share: 0.87,
  where: 'top-left',
  colour: [210, 30, 25],
  otherClasses: ['ring'],
  test: {
    flips: rate(30, 40, 0.6, 0.88),
    errorsFixed: rate(36, 48, 0.63, 0.87),
    errors: 48,
    errorsContaining: 48,
    transplant: rate(71, 100, 0.63, 0.78),
    notes: [],
    shortcut: true,
    reasons: ['removing it fixes 36 of 48 errors'],
  },
};

describe('shortcutSentence', () => {
  it('states share, colour and place, transplant with its interval, errors fixed and the verdict', () => {
    expect(shortcutSentence(badge)).toBe(
      'cross: 87 % of the evidence sits on concept 1 (red, top-left); pasting it into ring images turns 71 % (95 % CI 63–78 %) of 100 into cross; ' +
        'removing it fixes 36 of 48 errors: likely shortcut.',
    );
  });

  it('uses the given name, says how many errors were tried and contained it, and what was not tested', () => {
    const named = { ...badge, name: 'badge', otherClasses: ['ring', 'star'], test: { ...badge.test, errors: 600, errorsContaining: 480, transplant: null } };
    expect(shortcutSentence(named)).toBe(
      'cross: 87 % of the evidence sits on "badge" (concept 1, red, top-left); removing it fixes 36 of the 48 errors tried (480 of the class\'s 600 errors contain it): likely shortcut.',
    );
  });

  it('says a concept is not flagged, and a class without errors', () => {
    const object = { ...badge, colour: null, where: 'centre', test: { ...badge.test, errorsFixed: null, errors: 0, shortcut: false, reasons: [] } };
    expect(shortcutSentence(object)).toBe(
      'cross: 87 % of the evidence sits on concept 1 (centre); pasting it into ring images turns 71 % (95 % CI 63–78 %) of 100 into cross; the class has no errors to fix: not flagged.',
    );
  });
});
