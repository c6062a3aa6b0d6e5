/** Conclusions drawn from the lead figures, and model cards read beside the model. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { headline, type HeadlineInput } from '../../src/main/analysis/headline';
import { conclusions } from '../../src/main/export/report/conclusions';
import { modelCardBeside } from '../../src/main/export/report/model-card';
import { tempDir } from '../fixtures/models';

/** `n` images of `label` with `attributes`, the first `right` predicted right (the rest as `other`, at `confidence`). */
function images(label: string, n: number, right: number, attributes: Record<string, string>, confidence = 0.6): HeadlineInput[] {
  return Array.from({ length: n }, (_, i) => ({
    label,
    predicted: i < right ? label : 'other',
    confidence: i < right ? 0.9 : confidence,
    attributes,
    mass: new Map([['badge', i % 2 === 0 ? 0.7 : 0.1]]),
  }));
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('conclusions', () => {
  it('rebalances a gap clear of chance, naming how the group is spread over the classes', () => {
    const rows = [...images('cross', 40, 4, { badge: 'blue' }), ...images('cross', 40, 40, { badge: 'red' }), ...images('circle', 80, 80, { badge: 'blue' })];
    const h = headline(rows, [{ name: 'badge', values: ['blue', 'red'] }], null);
    const list = conclusions({ headline: h, rows, rules: null, shortCells: [], mislabeled: 0 });
    const rebalance = list.find((c) => c.kind === 'rebalance')!;
    expect(rebalance.text).toMatch(/^Rebalance cross over badge: accuracy 10\.0 % \(95 % CI [\d.]+–[\d.]+ %, n = 40\) when badge = blue against 100 % when badge = red/);
    expect(rebalance.text).toContain('badge = blue is 50 % of cross images but 100 % of the other classes');
  });

  it('with a split, states the gap once, on held-out images, and the skew of the training split', () => {
    const rows = [
      ...images('cross', 10, 10, { badge: 'blue', split: 'train' }),
      ...images('cross', 90, 90, { badge: 'red', split: 'train' }),
      ...images('circle', 90, 90, { badge: 'blue', split: 'train' }),
      ...images('circle', 10, 10, { badge: 'red', split: 'train' }),
      ...images('cross', 30, 3, { badge: 'blue', split: 'test' }),
      ...images('cross', 30, 30, { badge: 'red', split: 'test' }),
    ];
    const attributes = [
      { name: 'badge', values: ['blue', 'red'] },
      { name: 'split', values: ['test', 'train'] },
    ];
    const list = conclusions({ headline: headline(rows, attributes, null), rows, rules: null, shortCells: [], mislabeled: 0 });
    const rebalance = list.filter((c) => c.kind === 'rebalance');
    expect(rebalance).toHaveLength(1);
    expect(rebalance[0]!.text).toMatch(/^Rebalance cross over badge: in the test split, accuracy 10\.0 % \(95 % CI [\d.]+–[\d.]+ %, n = 30\) when badge = blue/);
    expect(rebalance[0]!.text).toContain("In the training split, badge = blue is 10 % of cross images but 90 % of the other classes'");
    expect(rebalance[0]!.text).toContain('Add or up-weight cross images with badge = blue in the training data');
  });

  it('relabels tagged and confidently wrong images, and collects where a group is too small to tell', () => {
    const rows = [...images('cross', 6, 3, { badge: 'blue' }, 0.95), ...images('cross', 6, 5, { badge: 'red' })];
    const h = headline(rows, [{ name: 'badge', values: ['blue', 'red'] }], { spurious: ['badge'], evidence: [], threshold: 0.5 });
    const list = conclusions({ headline: h, rows, rules: { spurious: ['badge'], evidence: [], threshold: 0.5 }, shortCells: [], mislabeled: 2 });
    expect(list.filter((c) => c.kind === 'relabel').map((c) => c.text)).toEqual([
      'Relabel the 2 images tagged mislabeled (the rebalancing lists give them the action relabel).',
      'Check the labels of the 3 images the model gets wrong with at least 90 % confidence (3 labelled cross): a confident mistake is often a wrong label, or a shortcut the image carries.',
    ]);
    const collect = list.filter((c) => c.kind === 'collect').map((c) => c.text);
    expect(collect[0]).toMatch(/^Collect more cross images with badge = blue: with n = 6 its accuracy is known only to within [\d.]+–[\d.]+ %, too wide to tell/);
    expect(collect[1]).toMatch(/^Collect cross images in which badge does not go with the class \(or hide it\): 50\.0 % \(95 % CI/);
  });

  it('says when there is nothing to act on', () => {
    const rows = [...images('cross', 20, 20, { badge: 'blue' }), ...images('cross', 20, 20, { badge: 'red' })];
    const list = conclusions({ headline: headline(rows, [{ name: 'badge', values: ['blue', 'red'] }], null), rows, rules: null, shortCells: [], mislabeled: 0 });
    expect(list).toEqual([{ kind: 'check', text: expect.stringMatching(/^No accuracy gap and no spurious-focus share is clear of chance/) }]);
  });
});

describe('the model card beside the model', () => {
  it('is read from model-card.json or .md next to model.json, and absent otherwise', async () => {
    const dir = tempDir('biascope-card-');
    made.push(dir);
    const model = path.join(dir, 'model.json');
    expect(await modelCardBeside(model)).toBeNull();
    writeFileSync(path.join(dir, 'model-card.md'), '## Intended use\nScreening.\n');
    expect(await modelCardBeside(model)).toEqual({ file: path.join(dir, 'model-card.md'), fields: [{ name: 'intended use', text: 'Screening.' }] });
    writeFileSync(path.join(dir, 'model-card.json'), '[1]');
    await expect(modelCardBeside(model)).rejects.toThrow(/must be a JSON object of text fields .* got an array/);
    mkdirSync(path.join(dir, 'sub'));
    expect(await modelCardBeside(path.join(dir, 'sub', 'model.json'))).toBeNull();
  });
});
