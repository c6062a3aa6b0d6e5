/**
 * Reading and hashing dataset image files safely: regular files only (a FIFO named
 * cat.png would block a thread of the pool forever, and after four of them all file
 * serving stalls), capped in size, and hashed as a stream after a look at the first
 * bytes, so a 1.5 GB junk file named .png costs a few bytes of memory, not 1.9 GB.
 * Dataset files may be links into a shared store, so they are not confined to the root
 * (the image service confines what it serves itself).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { BoundedReadError, readBoundedFile, sizeInWords } from '../util/bounded-read';
import { ImageDecodeError, readFailure, type Failure } from './decode-errors';

/** No photograph or scan comes near; anything larger is not a dataset image. */
export const MAX_IMAGE_FILE_BYTES = 1_000_000_000;
const HASH_CHUNK = 1 << 20;
const SNIFF_BYTES = 16;

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0): boolean => signature.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Whether the first bytes are those of a format the dataset may hold (PNG, JPEG, GIF, WebP, TIFF, AVIF/HEIF). */
export function looksLikeImage(head: Uint8Array): boolean {
  return (
    startsWith(head, [0x89, 0x50, 0x4e, 0x47]) ||
    startsWith(head, [0xff, 0xd8, 0xff]) ||
    startsWith(head, ascii('GIF8')) ||
    (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) ||
    startsWith(head, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(head, [0x49, 0x49, 0x2b, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2b]) ||
    startsWith(head, ascii('ftyp'), 4)
  );
}

export const NOT_AN_IMAGE = 'not an image: its first bytes are not those of PNG, JPEG, GIF, WebP, TIFF or AVIF';

function failureOf(error: unknown): Failure {
  if (error instanceof BoundedReadError) {
    if (error.failure === 'missing') return { kind: 'not-found', reason: 'file not found' };
    if (error.failure === 'too-large') return { kind: 'too-large', reason: `file is larger than ${sizeInWords(MAX_IMAGE_FILE_BYTES)}` };
    if (error.failure === 'not-a-file') return { kind: 'unreadable', reason: /folder/.test(error.message) ? 'a folder, not a file' : 'not a regular file (a FIFO, device or socket)' };
    return { kind: 'unreadable', reason: /input\/output/.test(error.message) ? 'cannot read the file: an input/output error (EIO)' : error.message.replace(/^.* cannot be read /, 'cannot read the file ') };
  }
  return readFailure(error);
}

/** The whole file, or an ImageDecodeError that says what is wrong with it. */
export async function readImageFile(file: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file, { maxBytes: MAX_IMAGE_FILE_BYTES, what: 'image' });
  } catch (error) {
    const failure = failureOf(error);
    throw new ImageDecodeError(file, failure.kind, failure.reason);
  }
  if (bytes.length === 0) throw new ImageDecodeError(file, 'empty', 'empty file (0 bytes)');
  return bytes;
}

export type HashOutcome = { hash: string; size: number } | { failure: Failure };

/** The file's SHA-256, read in chunks; refused without reading on when it is not an image. */
export async function hashImageFile(file: string): Promise<HashOutcome> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { failure: readFailure(error) };
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return { failure: { kind: 'unreadable', reason: 'a folder, not a file' } };
    if (!stats.isFile()) return { failure: { kind: 'unreadable', reason: 'not a regular file (a FIFO, device or socket)' } };
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(HASH_CHUNK);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, HASH_CHUNK, size);
      if (bytesRead === 0) break;
      if (size === 0) {
        // What it is first, then whether it is too large: both before reading on.
        if (!looksLikeImage(chunk.subarray(0, Math.min(bytesRead, SNIFF_BYTES)))) return { failure: { kind: 'not-an-image', reason: NOT_AN_IMAGE } };
        if (stats.size > MAX_IMAGE_FILE_BYTES) return { failure: { kind: 'too-large', reason: `file is larger than ${sizeInWords(MAX_IMAGE_FILE_BYTES)}` } };
      }
      hash.update(chunk.subarray(0, bytesRead));
      size += bytesRead;
      if (size > MAX_IMAGE_FILE_BYTES) return { failure: { kind: 'too-large', reason: `file is larger than ${sizeInWords(MAX_IMAGE_FILE_BYTES)}` } };
    }
    if (size === 0) return { failure: { kind: 'empty', reason: 'empty file (0 bytes)' } };
    return { hash: hash.digest('hex'), size };
  } catch (error) {
    return { failure: failureOf(error) };
  } finally {
    await handle.close();
  }
}
