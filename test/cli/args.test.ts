import { describe, expect, it } from 'vitest';
import { parseChoice, parseCommandArgs, parseInteger } from '../../src/main/cli/args';
import { UsageError } from '../../src/main/cli/errors';
import { DEFAULT_BATCH, DEFAULT_TOP, parseExplainArgs } from '../../src/main/cli/explain-args';
import { parseAuditArgs } from '../../src/main/cli/audit-args';

function usageErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseExplainArgs', () => {
  it('fills in the defaults', () => {
    expect(parseExplainArgs(['a.png', 'b.jpg', '--model', 'm/model.json'])).toEqual({
      help: false,
      images: ['a.png', 'b.jpg'],
      model: 'm/model.json',
      target: 'predicted',
      method: 'gradcam',
      layer: undefined,
      top: DEFAULT_TOP,
      batch: DEFAULT_BATCH,
      backend: undefined,
      runtime: {},
      json: false,
    });
  });

  it('reads every option, before or after the images', () => {
    const parsed = parseExplainArgs([
      '--model=m.json',
      '--target',
      'all',
      'a.png',
      '--method',
      'guided-backprop',
      '--layer',
      'conv_last',
      '--top',
      '2',
      '--batch',
      '3',
      '--backend',
      'cpu',
      '--json',
      'b.png',
    ]);
    expect(parsed).toMatchObject({
      help: false,
      images: ['a.png', 'b.png'],
      model: 'm.json',
      target: 'all',
      method: 'guided-backprop',
      layer: 'conv_last',
      top: 2,
      batch: 3,
      backend: 'cpu',
      json: true,
    });
  });

  it('takes paths that look like options after --', () => {
    expect(parseExplainArgs(['--model', 'm.json', '--', '--odd-name.png'])).toMatchObject({ images: ['--odd-name.png'] });
  });

  it('answers --help without requiring anything else', () => {
    expect(parseExplainArgs(['--help'])).toEqual({ help: true });
    expect(parseExplainArgs(['a.png', '-h'])).toEqual({ help: true });
  });

  it('names what is wrong with a command line', () => {
    expect(usageErrorOf(() => parseExplainArgs(['a.png']))).toMatch(/--model .* is required/);
    expect(usageErrorOf(() => parseExplainArgs(['--model', 'm.json']))).toMatch(/no images/);
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model']))).toBe('option --model needs a value');
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model', 'm', '--colour']))).toBe('unknown option --colour');
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model', 'm', '--json=yes']))).toBe('option --json takes no value');
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model', 'm', '--method', 'lime']))).toMatch(/--method must be one of gradcam, .*hirescam/);
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model', 'm', '--backend', 'gpu']))).toMatch(/--backend must be one of tensorflow, wasm, cpu/);
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model', 'm', '--batch', '0']))).toMatch(/--batch must be between 1 and/);
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model', 'm', '--batch', '2.5']))).toMatch(/--batch must be a whole number/);
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model', 'm', '--top', '-1']))).toMatch(/needs a value|whole number/);
    expect(usageErrorOf(() => parseExplainArgs(['a.png', '--model', 'm', '--layer', ' ']))).toMatch(/--layer needs a layer name/);
  });
});

describe('parseAuditArgs', () => {
  // The app's start panel opens on the same constant: one dataset, the same maps and clusters from either.
  it('explains the predicted class and the true label by default, as the app does', () => {
    const parsed = parseAuditArgs(['data', '--model', 'm/model.json', '--out', 'out']);
    expect(parsed.help).toBe(false);
    expect(!parsed.help && parsed.targets).toBe('label');
    const chosen = parseAuditArgs(['data', '--model', 'm/model.json', '--out', 'out', '--targets', 'predicted']);
    expect(!chosen.help && chosen.targets).toBe('predicted');
  });
});

describe('argument helpers', () => {
  it('parses integers within bounds', () => {
    expect(parseInteger('12', '--n', 1, 20)).toBe(12);
    expect(usageErrorOf(() => parseInteger('21', '--n', 1, 20))).toBe('--n must be between 1 and 20, got 21');
    expect(usageErrorOf(() => parseInteger('0', '--n', 1))).toBe('--n must be at least 1, got 0');
    expect(usageErrorOf(() => parseInteger('1e3', '--n', 1))).toMatch(/whole number/);
  });

  it('parses choices', () => {
    expect(parseChoice('b', '--x', ['a', 'b'] as const)).toBe('b');
    expect(usageErrorOf(() => parseChoice('c', '--x', ['a', 'b']))).toBe('--x must be one of a, b; got "c"');
  });

  it('passes through values and positionals', () => {
    const { values, positionals } = parseCommandArgs(['x', '--flag', '--name', 'n'], {
      flag: { type: 'boolean' },
      name: { type: 'string' },
    });
    expect(values).toEqual({ flag: true, name: 'n' });
    expect(positionals).toEqual(['x']);
  });
});
