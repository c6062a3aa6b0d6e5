/** Resolves what the user passed to --model: a model.json, or the folder holding one. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors';

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
  if (kind === 'missing') throw new CliError(`model not found: ${given}`);
  const inside = path.join(given, 'model.json');
  if ((await kindOf(inside)) === 'file') return inside;
  throw new CliError(`${given} is a folder without a model.json`);
}
