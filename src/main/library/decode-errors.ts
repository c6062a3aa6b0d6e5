/**
 * Why an image could not be decoded, sorted into kinds a person can act on: a file
 * that is gone, locked, empty, not an image at all, cut short, too large, or damaged.
 */

export type DecodeFailure = 'not-found' | 'unreadable' | 'empty' | 'not-an-image' | 'truncated' | 'too-large' | 'corrupt';

export class ImageDecodeError extends Error {
  constructor(
    readonly file: string,
    readonly kind: DecodeFailure,
    /** A few words for a person: "permission denied", "empty file (0 bytes)". */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImageDecodeError';
  }
}

export interface Failure {
  kind: DecodeFailure;
  reason: string;
}

export function readFailure(error: unknown): Failure {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'not-found', reason: 'file not found' };
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'unreadable', reason: 'permission denied' };
  if (code === 'EISDIR') return { kind: 'unreadable', reason: 'not a file' };
  if (code === 'EIO') return { kind: 'unreadable', reason: 'cannot read the file: an input/output error (EIO)' };
  if (code === 'ERR_FS_FILE_TOO_LARGE') return { kind: 'too-large', reason: 'file is over 2 GiB, too large to read' };
  return { kind: 'unreadable', reason: `cannot read the file (${code ?? (error as Error).message})` };
}

export const tooLarge = (width: number, height: number, limit: number): Failure => ({
  kind: 'too-large',
  reason: `image is ${width}x${height} pixels, over the ${limit / 1_000_000}-megapixel limit`,
});

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean => signature.every((byte, i) => bytes[i] === byte);
const endsWith = (bytes: Uint8Array, tail: readonly number[]): boolean => startsWith(bytes.subarray(bytes.length - tail.length), tail);

const PNG = [0x89, 0x50, 0x4e, 0x47];
const PNG_IEND = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const JPEG = [0xff, 0xd8, 0xff];
const JPEG_EOI = [0xff, 0xd9];
const GIF = [0x47, 0x49, 0x46, 0x38];
const RIFF = [0x52, 0x49, 0x46, 0x46];

/**
 * Whether the file stops before its format's end marker. Only asked once the decoder
 * has failed, to tell a download cut short from damage in the middle.
 */
function endsEarly(bytes: Uint8Array): boolean {
  if (startsWith(bytes, PNG)) return !endsWith(bytes, PNG_IEND);
  if (startsWith(bytes, GIF)) return bytes[bytes.length - 1] !== 0x3b;
  if (startsWith(bytes, RIFF) && bytes.length >= 8) {
    const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true) + 8;
    return bytes.length < declared;
  }
  if (startsWith(bytes, JPEG)) {
    // Some writers pad after the end marker; padding is not data.
    let end = bytes.length;
    while (end > 2 && bytes[end - 1] === 0x00) end--;
    return !endsWith(bytes.subarray(0, end), JPEG_EOI);
  }
  return false;
}

/** sharp repeats libvips' message lines; once each reads better. */
function cleanMessage(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim().replace(/^Input (buffer|file) (has corrupt header: )?/i, ''))
    .filter((line) => line !== '');
  return [...new Set(lines)].join('; ');
}

/** The kind and words for an error from sharp while decoding `bytes`. */
export function decoderFailure(error: unknown, bytes: Uint8Array, limit: number): Failure {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message)) return { kind: 'not-an-image', reason: 'not an image, or in a format that cannot be decoded' };
  if (/exceeds pixel limit/i.test(message)) return { kind: 'too-large', reason: `image is over the ${limit / 1_000_000}-megapixel limit` };
  const detail = cleanMessage(message);
  if (endsEarly(bytes) || /premature end|truncated|unexpected end|end of (file|data|stream)/i.test(message)) {
    return { kind: 'truncated', reason: `file is truncated or corrupt: ${detail}` };
  }
  return { kind: 'corrupt', reason: `cannot decode the image: ${detail}` };
}
