/**
 * Serves dataset images to the renderer, whichever the transport: thumbnails made
 * with sharp (oriented, at most THUMB_SIZE on the long side, JPEG) and kept in a
 * memory cache bounded by bytes, and originals as they are when a browser can show
 * them (converted to PNG otherwise). Only datasets opened in this run are served,
 * and only files inside their roots.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Sharp } from 'sharp';
import { CallError } from '../../shared/api';
import { THUMB_SIZE, type ImageSize } from '../../shared/client';
import { ByteLru } from './byte-lru';
import { confinedPath } from './confine';
import { ImageDecodeError } from '../library/decode-errors';
import { readImageFile } from '../library/image-file';

export interface ImageReply {
  bytes: Buffer;
  contentType: string;
  /** Changes whenever the file does: size and mtime. */
  etag: string;
}

export interface ImageService {
  /** Throws CallError `forbidden` (outside the root, dataset not opened) or `not-found`. */
  serve(datasetId: number, relativePath: string, size: ImageSize): Promise<ImageReply>;
}

/** Formats every browser (and Chromium inside Electron) decodes. */
const BROWSER_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.bmp': 'image/bmp',
};

export class DatasetImages implements ImageService {
  private readonly roots = new Map<number, string>();
  private readonly thumbs: ByteLru<ImageReply>;

  constructor(options: { cacheBytes?: number } = {}) {
    this.thumbs = new ByteLru(options.cacheBytes ?? 96 * 1024 * 1024, (reply) => reply.bytes.length);
  }

  /** Allows a dataset's images to be served (called when the dataset is opened). */
  allow(datasetId: number, root: string): void {
    this.roots.set(datasetId, path.resolve(root));
  }

  async serve(datasetId: number, relativePath: string, size: ImageSize): Promise<ImageReply> {
    const root = this.roots.get(datasetId);
    if (root === undefined) throw new CallError('forbidden', `dataset ${datasetId} is not open`);
    const file = await confinedPath(root, relativePath);
    const info = await stat(file);
    // A FIFO would block a thread of the pool for good, and four of them all file serving.
    if (!info.isFile()) throw new CallError('not-found', `${path.basename(file)} is ${info.isDirectory() ? 'a folder' : 'not a regular file'}, not an image`);
    const etag = `"${info.size.toString(36)}-${Math.round(info.mtimeMs).toString(36)}-${size}"`;
    if (size === 'full') return this.original(file, etag);
    const key = `${file}\n${etag}`;
    const cached = this.thumbs.get(key);
    if (cached) return cached;
    const reply = { bytes: await thumbnail(file), contentType: 'image/jpeg', etag };
    this.thumbs.set(key, reply);
    return reply;
  }

  private async original(file: string, etag: string): Promise<ImageReply> {
    const type = BROWSER_TYPES[path.extname(file).toLowerCase()];
    if (type) return { bytes: await bytesOf(file), contentType: type, etag };
    return { bytes: await convert(file, (image) => image.png()), contentType: 'image/png', etag };
  }
}

async function thumbnail(file: string): Promise<Buffer> {
  return convert(file, (image) =>
    image.resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 82, mozjpeg: false }),
  );
}

/** The file's bytes through the library's safe reader (regular files, capped); `not-found` with the reason. */
async function bytesOf(file: string): Promise<Buffer> {
  try {
    return await readImageFile(file);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw new CallError('not-found', `${path.basename(file)}: ${error.reason}`);
    throw error;
  }
}

/** Runs sharp on the first frame, oriented; an undecodable file is `not-found` with the reason. */
async function convert(file: string, finish: (image: Sharp) => Sharp): Promise<Buffer> {
  const bytes = await bytesOf(file);
  try {
    // Loaded with the first picture served: a command-line back end serves none.
    const { default: sharp } = await import('sharp');
    return await finish(sharp(bytes, { pages: 1, limitInputPixels: 100_000_000 }).rotate()).toBuffer();
  } catch (error) {
    throw new CallError('not-found', `${path.basename(file)} could not be decoded: ${(error as Error).message}`);
  }
}
