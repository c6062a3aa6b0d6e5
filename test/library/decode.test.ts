/** decodeImage over a corpus of good and bad files: exact sizes out, and a specific kind for each failure. */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, decodeRgb, type DecodeFailure, ImageDecodeError } from '../../src/main/library/decode';
import { type CorpusEntry, writeImageCorpus } from '../fixtures/bad-images';
import { ON_WINDOWS, RUNNING_AS_ROOT, scratch } from './tree';

/** Height, width: not square, so a swapped axis would show. */
const INPUT: [number, number] = [12, 16];

let root: string;
let corpus: CorpusEntry[];

beforeAll(async () => {
  root = scratch('biascope-corpus-');
  corpus = await writeImageCorpus(root);
});

async function failureOf(file: string): Promise<ImageDecodeError> {
  const error: unknown = await decodeImage(file, INPUT).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, file).toBeInstanceOf(ImageDecodeError);
  return error as ImageDecodeError;
}

describe('the image corpus', () => {
  it('is written quickly, with good and bad files in both classes', async () => {
    const started = performance.now();
    const entries = await writeImageCorpus(scratch('biascope-corpus-'));
    expect(performance.now() - started).toBeLessThan(2000);
    const kinds = new Set(entries.map((e) => e.expect));
    for (const kind of ['ok', 'truncated', 'too-large', 'not-an-image', 'scan']) expect(kinds).toContain(kind);
    expect(entries.filter((e) => e.expect === 'ok').length).toBeGreaterThanOrEqual(12);
  });

  it('holds the formats and colour spaces it claims', async () => {
    const meta = (relative: string) => sharp(path.join(root, relative), { pages: -1 }).metadata();
    expect((await meta('dog/animated.gif')).pages).toBe(2);
    expect((await meta('dog/deep16.png')).depth).toBe('ushort');
    expect((await meta('dog/cmyk.jpg')).space).toBe('cmyk');
    expect((await meta('dog/gray.png')).channels).toBe(1);
    expect((await meta('dog/alpha.png')).hasAlpha).toBe(true);
    expect((await meta('cat/scan.tiff')).format).toBe('tiff');
    expect((await meta('cat/photo.webp')).format).toBe('webp');
  });
});

describe('decodeImage', () => {
  it('decodes every good file to exactly the input size, 3 channels, reporting its displayed size', async () => {
    const good = corpus.filter((e) => e.expect === 'ok');
    for (const entry of good) {
      const decoded = await decodeImage(path.join(root, entry.path), INPUT);
      expect(decoded.rgb.height, entry.path).toBe(INPUT[0]);
      expect(decoded.rgb.width, entry.path).toBe(INPUT[1]);
      expect(decoded.rgb.data, entry.path).toHaveLength(INPUT[0] * INPUT[1] * 3);
      expect([decoded.width, decoded.height], entry.path).toEqual([entry.width, entry.height]);
    }
  });

  it('reports the size of an EXIF-rotated image as displayed, axes swapped', async () => {
    const decoded = await decodeImage(path.join(root, 'cat/rotated.jpg'), INPUT);
    const stored = await sharp(path.join(root, 'cat/rotated.jpg')).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([40, 30, 6]);
    expect([decoded.width, decoded.height]).toEqual([30, 40]);
  });

  it('fails on each bad file with the expected kind and a specific reason', async () => {
    const bad = corpus.filter((e) => e.expect !== 'ok' && e.expect !== 'scan');
    expect(bad.length).toBeGreaterThanOrEqual(3);
    for (const entry of bad) {
      const file = path.join(root, entry.path);
      const error = await failureOf(file);
      expect(error.kind, entry.path).toBe(entry.expect as DecodeFailure);
      expect(error.file).toBe(file);
      expect(error.message).toBe(`${file}: ${error.reason}`);
    }
    expect((await failureOf(path.join(root, 'cat/truncated.jpg'))).reason).toMatch(/^file is truncated or corrupt: .+/);
    expect((await failureOf(path.join(root, 'dog/notes.jpg'))).reason).toMatch(/^not an image/);
  });

  it('refuses the 100000x100000 PNG from its header, fast, naming its size', async () => {
    const started = performance.now();
    const error = await failureOf(path.join(root, 'cat/huge.png'));
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.kind).toBe('too-large');
    expect(error.reason).toBe('image is 100000x100000 pixels, over the 100-megapixel limit');
  });

  it('names empty, missing and folder paths for what they are', async () => {
    const empty = await failureOf(path.join(root, 'dog/empty.jpg'));
    expect([empty.kind, empty.reason]).toEqual(['empty', 'empty file (0 bytes)']);
    const missing = await failureOf(path.join(root, 'dog/missing.png'));
    expect([missing.kind, missing.reason]).toEqual(['not-found', 'file not found']);
    const folder = await failureOf(path.join(root, 'dog'));
    expect([folder.kind, folder.reason]).toEqual(['unreadable', 'a folder, not a file']);
  });

  it('calls damage in the middle of a file corrupt, not truncated', async () => {
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#808080' } }).png().toBuffer();
    // Break the IDAT chunk's checksum and data but keep the file's end marker.
    const idat = png.indexOf('IDAT');
    for (let i = idat + 4; i < idat + 14; i++) png[i] = 0x55;
    const file = path.join(scratch(), 'damaged.png');
    await writeFile(file, png);
    const error = await failureOf(file);
    expect(error.kind).toBe('corrupt');
    expect(error.reason).toMatch(/^cannot decode the image: .+/);
  });

  it.skipIf(RUNNING_AS_ROOT || ON_WINDOWS)('says permission denied for a file it may not read', async () => {
    const file = path.join(root, 'cat/plain.png');
    await chmod(file, 0o000);
    try {
      const error = await failureOf(file);
      expect([error.kind, error.reason]).toEqual(['unreadable', 'permission denied']);
    } finally {
      await chmod(file, 0o644);
    }
  });

  it('flattens transparency on white and turns grey into equal RGB', async () => {
    const dir = scratch();
    const clear = path.join(dir, 'clear.png');
    await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(clear);
    expect((await decodeImage(clear, [4, 4])).rgb.data.every((v) => v === 255)).toBe(true);
    const grey = path.join(dir, 'grey.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#606060' } }).toColourspace('b-w').png().toFile(grey);
    const { data } = (await decodeImage(grey, [4, 4])).rgb;
    expect(data.every((v, i) => v === data[i - (i % 3)])).toBe(true);
  });

  it('keeps decodeRgb, the pixels alone, equal to decodeImage', async () => {
    const file = path.join(root, 'dog/cmyk.jpg');
    expect(await decodeRgb(file, INPUT)).toEqual((await decodeImage(file, INPUT)).rgb);
  });
});
