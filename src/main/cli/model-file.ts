/** Resolves what the user passed to --model: a model.json or .onnx file, or the folder holding one. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CallError } from '../../shared/errors';

async function kindOf(file: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    return (await stat(file)).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

export async function resolveModelPath(given: string): Promise<string> {
  const kind = await kindOf(given);
  if (kind === 'file') return given;
  if (kind === 'missing') throw new CallError('not-found', `model not found: ${given}`);
  const inside = path.join(given, 'model.json');
  if ((await kindOf(inside)) === 'file') return inside;
  const onnx = (await readdir(given)).filter((name) => name.toLowerCase().endsWith('.onnx'));
  if (onnx.length === 1) return path.join(given, onnx[0]!);
  if (onnx.length > 1) throw new CallError('invalid-input', `${given} holds ${onnx.length} .onnx files (${onnx.join(', ')}): name one with --model`);
  throw new CallError('invalid-input', `${given} is a folder without a model.json or a .onnx file`);
}
