/**
 * Reading the files a model is made of (model.json, its weight shards, an .onnx file, a
 * sidecar) through one confined, size-capped reader (util/bounded-read.ts), with the
 * engine's errors. Every caller that reads model files goes through here: loading, and
 * identifying a model for the cache, which reads the same files first.
 */
import { BoundedReadError, readBoundedFile } from '../../util/bounded-read';
import { EngineError, type EngineErrorKind } from '../errors';

/** model.json holds the topology only: its weights are in the shards. */
export const MODEL_JSON_MAX_BYTES = 64 * 1024 * 1024;
/** Protocol buffers cannot hold more: larger ONNX models keep weights outside, which biascope refuses. */
export const ONNX_MAX_BYTES = 2 * 1024 * 1024 * 1024;
/** biascope.json, metadata.json: settings, never data. */
export const SIDECAR_MAX_BYTES = 1024 * 1024;

export interface ModelFileRead {
  what: string;
  maxBytes: number;
  /** Confine the file to this folder (symlinks followed). */
  within?: string;
  /** The error kind when the file does not exist. */
  missing?: EngineErrorKind;
  /** The error kind for anything else wrong with it. */
  invalid?: EngineErrorKind;
}

export async function readModelFile(file: string, read: ModelFileRead): Promise<Buffer> {
  try {
    return await readBoundedFile(file, read);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    throw new EngineError(error.failure === 'missing' ? (read.missing ?? 'model-not-found') : (read.invalid ?? 'model-invalid'), error.message);
  }
}

/**
 * JSON text parsed, or an error that says where it breaks without quoting the file:
 * a path typed by mistake must not echo the first bytes of whatever file it names.
 */
export function parseJsonText(bytes: Uint8Array, file: string, what: string, kind: EngineErrorKind): unknown {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first !== undefined && first !== 0x7b && first !== 0x5b) {
    const looksOnnx = first === 0x08;
    throw new EngineError(
      kind,
      `${file} is not ${what}: it is not JSON${looksOnnx ? ' (it looks like an ONNX model: give it a name ending in .onnx)' : first < 0x20 || first > 0x7e ? ' (it holds binary data)' : ''}`,
    );
  }
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new EngineError(kind, `${file} is not valid JSON (${position === undefined ? 'it ends too early' : `a syntax error at byte ${position}`})`);
  }
}
