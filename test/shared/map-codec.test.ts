import { describe, expect, it } from 'vitest';
import { decodeMap, encodeMap } from '../../src/shared/map-codec';

describe('map codec', () => {
  it('round-trips a map within max/131070 (half a quantisation step)', () => {
    let state = 17;
    const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
    for (const scale of [1, 3.7, 1e-6, 1e4]) {
      const data = Float32Array.from({ length: 14 * 14 }, () => next() * scale);
      const encoded = encodeMap({ width: 14, height: 14, data });
      const max = data.reduce((a, b) => Math.max(a, b), 0);
      expect(encoded.max).toBe(max);
      expect(encoded.bytes.length).toBe(392);
      const decoded = decodeMap(encoded);
      expect(decoded.width).toBe(14);
      expect(decoded.height).toBe(14);
      // The decoded value is stored as float32: allow its rounding (2^-24 of max) on top.
      const bound = max / 131070 + max * 2 ** -24;
      decoded.data.forEach((v, i) => expect(Math.abs(v - data[i]!)).toBeLessThanOrEqual(bound));
    }
  });

  it('encodes an all-zero map as zeros and decodes it back', () => {
    const encoded = encodeMap({ width: 3, height: 2, data: new Float32Array(6) });
    expect(encoded.max).toBe(0);
    expect(Array.from(encoded.bytes)).toEqual(new Array(12).fill(0));
    expect(Array.from(decodeMap(encoded).data)).toEqual(new Array(6).fill(0));
  });

  it('stores negative values as zero', () => {
    const decoded = decodeMap(encodeMap({ width: 3, height: 1, data: Float32Array.from([-2, 1, 0.5]) }));
    expect(Array.from(decoded.data)).toEqual([0, 1, expect.closeTo(0.5, 4)]);
  });

  it('throws on a blob of the wrong length', () => {
    const { bytes, max } = encodeMap({ width: 4, height: 4, data: new Float32Array(16).fill(1) });
    expect(() => decodeMap({ width: 4, height: 4, max, bytes: bytes.subarray(1) })).toThrow(/31 bytes; a 4x4 map needs 32/);
    expect(() => decodeMap({ width: 5, height: 4, max, bytes })).toThrow(/needs 40/);
  });

  it('decodes a blob that is a view into a larger buffer, as database drivers return them', () => {
    const data = Float32Array.from([0, 0.25, 0.5, 1]);
    const { bytes, max } = encodeMap({ width: 2, height: 2, data });
    const pool = new Uint8Array(64);
    pool.set(bytes, 9);
    const decoded = decodeMap({ width: 2, height: 2, max, bytes: pool.subarray(9, 9 + bytes.length) });
    decoded.data.forEach((v, i) => expect(v).toBeCloseTo(data[i]!, 4));
  });
});
