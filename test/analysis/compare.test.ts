/** Two audits compared on hand-made rows: per class and group, each side, the deltas and the flips. */
import { describe, expect, it } from 'vitest';
import { compareAudits, type AuditedImage } from '../../src/main/analysis/compare';
import { CompareRowSchema, changeIsBetter } from '../../src/shared/compare';
import type { SpuriousRules } from '../../src/shared/suggestions';

const RULES: SpuriousRules = { spurious: ['cue'], evidence: ['object'], threshold: 0.5 };
const NO_RULES: SpuriousRules = { spurious: [], evidence: [], threshold: 0.5 };
const REGIONS = ['cue', 'object'];

function image(path: string, label: string, cue: string, predicted: string | null, masses: { cue: number; object: number }): AuditedImage {
  return { path, label, attributes: { cue }, predicted, masses: new Map(Object.entries(masses)) };
}

// Before: doctors in blue are right by their scrubs, doctors in white are wrong.
const A: AuditedImage[] = [
  image('doctor/1.png', 'doctor', 'blue', 'doctor', { cue: 0.7, object: 0.1 }),
  image('doctor/2.png', 'doctor', 'blue', 'doctor', { cue: 0.6, object: 0.2 }),
  image('doctor/3.png', 'doctor', 'white', 'nurse', { cue: 0.2, object: 0.1 }),
  image('doctor/4.png', 'doctor', 'white', 'nurse', { cue: 0.1, object: 0.3 }),
  image('nurse/1.png', 'nurse', 'white', 'nurse', { cue: 0.1, object: 0.6 }),
  image('nurse/2.png', 'nurse', 'blue', 'doctor', { cue: 0.8, object: 0.0 }),
  // Not explained by A.
  image('nurse/3.png', 'nurse', 'white', null, { cue: 0, object: 0 }),
];
// After: the object decides; one blue doctor is now wrong.
const B: AuditedImage[] = [
  image('doctor/1.png', 'doctor', 'blue', 'doctor', { cue: 0.1, object: 0.7 }),
  image('doctor/2.png', 'doctor', 'blue', 'nurse', { cue: 0.3, object: 0.3 }),
  image('doctor/3.png', 'doctor', 'white', 'doctor', { cue: 0.1, object: 0.8 }),
  image('doctor/4.png', 'doctor', 'white', 'doctor', { cue: 0.0, object: 0.6 }),
  image('nurse/1.png', 'nurse', 'white', 'nurse', { cue: 0.1, object: 0.5 }),
  image('nurse/2.png', 'nurse', 'blue', 'nurse', { cue: 0.2, object: 0.6 }),
  image('nurse/3.png', 'nurse', 'white', 'nurse', { cue: 0.0, object: 0.9 }),
];

describe('compareAudits', () => {
  it('gives a whole-class row per class with each side, deltas B - A and flips', () => {
    const { rows, both, onlyA, onlyB } = compareAudits(A, B, { groupBy: null, rules: RULES, regions: REGIONS });
    expect([both, onlyA, onlyB]).toEqual([6, 0, 1]);
    expect(rows.map((r) => [r.label, r.group])).toEqual([
      ['doctor', null],
      ['nurse', null],
    ]);
    const [doctor, nurse] = rows;
    expect(doctor).toMatchObject({ images: 4, fixed: 2, broken: 1 });
    expect(doctor!.a).toMatchObject({ audited: 4, accuracy: 0.5, spurious: 0.5 });
    expect(doctor!.b).toMatchObject({ audited: 4, accuracy: 0.75, spurious: 0 });
    expect(doctor!.delta.accuracy).toBeCloseTo(0.25);
    expect(doctor!.delta.spurious).toBeCloseTo(-0.5);
    expect(doctor!.a.mass.map((m) => m.region)).toEqual(REGIONS);
    expect(doctor!.a.mass[0]!.mean).toBeCloseTo((0.7 + 0.6 + 0.2 + 0.1) / 4);
    expect(doctor!.b.mass[1]!.mean).toBeCloseTo((0.7 + 0.3 + 0.8 + 0.6) / 4);
    expect(doctor!.delta.mass[1]!.delta).toBeCloseTo((0.7 + 0.3 + 0.8 + 0.6) / 4 - (0.1 + 0.2 + 0.1 + 0.3) / 4);

    // A explained two nurses, B three: each side over its own, flips over the two both explained.
    expect(nurse).toMatchObject({ images: 3, fixed: 1, broken: 0 });
    expect(nurse!.a).toMatchObject({ audited: 2, accuracy: 0.5, spurious: 0.5 });
    expect(nurse!.b).toMatchObject({ audited: 3, accuracy: 1, spurious: 0 });
    for (const row of rows) expect(CompareRowSchema.parse(row)).toEqual(row);
  });

  it('splits each class by an attribute after its whole-class row, images without the value in (none)', () => {
    const extra = image('doctor/5.png', 'doctor', '', 'doctor', { cue: 0, object: 1 });
    const noCue = { ...extra, attributes: {} };
    const { rows } = compareAudits([...A, noCue], [...B, noCue], { groupBy: 'cue', rules: RULES, regions: REGIONS });
    expect(rows.map((r) => `${r.label}/${r.group ?? '(all)'}`)).toEqual([
      'doctor/(all)',
      'doctor/(none)',
      'doctor/blue',
      'doctor/white',
      'nurse/(all)',
      'nurse/blue',
      'nurse/white',
    ]);
    const cell = (label: string, group: string) => rows.find((r) => r.label === label && r.group === group)!;
    expect(cell('doctor', 'blue')).toMatchObject({ images: 2, fixed: 0, broken: 1, a: { accuracy: 1, spurious: 1 }, b: { accuracy: 0.5, spurious: 0 } });
    expect(cell('doctor', 'white')).toMatchObject({ images: 2, fixed: 2, broken: 0, a: { accuracy: 0, spurious: 0 }, b: { accuracy: 1 } });
    expect(cell('doctor', 'white').delta.accuracy).toBe(1);
    expect(cell('doctor', '(none)').delta).toMatchObject({ accuracy: 0, spurious: 0 });
  });

  it('leaves spurious share null without a spurious region, and accuracy null with nothing explained', () => {
    const { rows } = compareAudits(A, B, { groupBy: 'cue', rules: { ...NO_RULES, evidence: ['object'] }, regions: REGIONS });
    expect(rows.every((r) => r.a.spurious === null && r.b.spurious === null && r.delta.spurious === null)).toBe(true);
    const unexplained = rows.find((r) => r.label === 'nurse' && r.group === 'white')!;
    expect(unexplained.a).toMatchObject({ audited: 1, accuracy: 1 });
    const none = compareAudits(A.slice(6), B, { groupBy: null, rules: RULES, regions: REGIONS });
    const nurse = none.rows.find((r) => r.label === 'nurse')!;
    expect(nurse.a).toMatchObject({ audited: 0, accuracy: null, spurious: null, mass: [{ region: 'cue', mean: 0 }, { region: 'object', mean: 0 }] });
    expect(nurse.delta.accuracy).toBeNull();
    expect(nurse.fixed + nurse.broken).toBe(0);
  });

  it('counts an image missing from one audit as not explained by it', () => {
    const { rows, onlyA, onlyB } = compareAudits(A.slice(0, 2), B.slice(1, 3), { groupBy: null, rules: RULES, regions: REGIONS });
    expect([onlyA, onlyB]).toEqual([1, 1]);
    expect(rows[0]).toMatchObject({ images: 3, a: { audited: 2 }, b: { audited: 2 }, fixed: 0, broken: 1 });
  });
});

describe('changeIsBetter', () => {
  it('reads accuracy up, spurious share down, mass off spurious and onto evidence as better', () => {
    expect(changeIsBetter('accuracy', 0.1)).toBe(true);
    expect(changeIsBetter('accuracy', -0.1)).toBe(false);
    expect(changeIsBetter('spurious', -0.1)).toBe(true);
    expect(changeIsBetter('spurious', 0.1)).toBe(false);
    expect(changeIsBetter({ region: 'cue', rules: RULES }, 0.1)).toBe(false);
    expect(changeIsBetter({ region: 'object', rules: RULES }, 0.1)).toBe(true);
    expect(changeIsBetter({ region: 'face', rules: RULES }, 0.1)).toBeNull();
    expect(changeIsBetter('accuracy', 0.001)).toBeNull();
    expect(changeIsBetter('accuracy', null)).toBeNull();
  });
});
