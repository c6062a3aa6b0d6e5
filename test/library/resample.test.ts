/**
 * The trained resizes against PIL and torchvision, through the real decode path
 * (sharp decodes the PNG, then resample.ts): every case of
 * test/fixtures/resize/manifest.json, made by scripts/fixtures/pil-resize.py.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ResizeMode } from '../../src/shared/model-config';
import { decodeImage } from '../../src/main/library/decode';
import { resample } from '../../src/main/library/resample';

const DIR = path.join(__dirname, '..', 'fixtures', 'resize');

interface Case {
  source: string;
  mode: ResizeMode;
  inputSize: [number, number];
  shorterSide?: number;
  centerCrop?: [number, number];
  expected: string;
}

const { cases } = JSON.parse(readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as { cases: Case[] };

async function pixels(file: string): Promise<Uint8Array> {
  const { data } = await sharp(path.join(DIR, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

function difference(a: Uint8Array, b: Uint8Array): { max: number; count: number } {
  let max = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > 0) count++;
    if (d > max) max = d;
  }
  return { max, count };
}

describe('trained resizes agree with PIL and torchvision to the byte', () => {
  it('covers every mode, up- and down-scaling, and Resize(256) + CenterCrop(224)', () => {
    expect(new Set(cases.map((c) => c.mode))).toEqual(new Set(['bilinear', 'bilinear-antialias', 'bicubic', 'lanczos3', 'nearest']));
    expect(cases.some((c) => c.shorterSide === 256 && c.centerCrop?.[0] === 224 && c.mode === 'bilinear-antialias')).toBe(true);
  });

  it.each(cases.map((c) => [c.expected, c] as const))('%s', async (_name, c) => {
    const { rgb } = await decodeImage(path.join(DIR, c.source), c.inputSize, { resize: c.mode, shorterSide: c.shorterSide, centerCrop: c.centerCrop });
    const expected = await pixels(c.expected);
    expect([rgb.height, rgb.width]).toEqual(c.inputSize);
    expect(difference(rgb.data, expected)).toEqual({ max: 0, count: 0 });
  });

  it('differs from the historical bilinear where PIL anti-aliases', async () => {
    const c = cases.find((k) => k.mode === 'bilinear-antialias' && k.source === 'b640x480.png' && !k.shorterSide)!;
    const old = await decodeImage(path.join(DIR, c.source), c.inputSize);
    const { max, count } = difference(old.rgb.data, await pixels(c.expected));
    // Measured: 2456 of 12096 values differ, by up to 7.
    expect(max).toBeGreaterThan(5);
    expect(count).toBeGreaterThan(old.rgb.data.length / 10);
  });

  it('refuses a target size that is not a positive integer', () => {
    const source = { width: 2, height: 2, data: new Uint8Array(12) };
    expect(() => resample(source, 0, 2, 'bicubic')).toThrow(/positive integers, got 0x2/);
  });
});
