/**
 * Model-card fields for the report (Mitchell et al. 2019): what the model is for, where
 * its data came from, its limits. Read from a file the user writes: model-card.json
 * (an object of text fields) or model-card.md (a `## Heading` per field), beside the
 * model or named on the command line.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ModelCardField {
  name: string;
  text: string;
}

export interface ModelCard {
  file: string;
  fields: ModelCardField[];
}

/** Files looked for beside the model, in this order. */
export const MODEL_CARD_FILES = ['model-card.json', 'model-card.md'] as const;

/** Known keys and how the report names them; others are shown under their own key. */
const FIELD_NAMES: Record<string, string> = {
  intendedUse: 'intended use',
  intendedUsers: 'intended users',
  outOfScope: 'out-of-scope uses',
  dataProvenance: 'data provenance',
  trainingData: 'training data',
  evaluationData: 'evaluation data',
  metrics: 'metrics',
  limitations: 'limitations',
  ethicalConsiderations: 'ethical considerations',
  owner: 'owner',
  contact: 'contact',
  license: 'license',
  version: 'version',
};

export class ModelCardError extends Error {}

function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? key.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function fromJson(file: string, text: string): ModelCardField[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelCardError(`the model card ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelCardError(`the model card ${file} must be a JSON object of text fields (e.g. {"intendedUse": "..."}), got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return Object.entries(value).map(([key, field]) => {
    if (typeof field === 'string') return { name: fieldName(key), text: field };
    if (Array.isArray(field) && field.every((item) => typeof item === 'string')) return { name: fieldName(key), text: field.join('\n') };
    throw new ModelCardError(`the model card ${file}: field "${key}" must be text or a list of texts, got ${JSON.stringify(field)}`);
  });
}

function fromMarkdown(file: string, text: string): ModelCardField[] {
  const fields: ModelCardField[] = [];
  let current: { name: string; lines: string[] } | null = null;
  const close = () => {
    if (current) fields.push({ name: current.name, text: current.lines.join('\n').trim() });
  };
  for (const line of text.split(/\r?\n/)) {
    const heading = /^#{2,3}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      close();
      current = { name: heading[1]!.toLowerCase(), lines: [] };
    } else if (current) current.lines.push(line);
    else if (line.trim() !== '' && !/^#\s/.test(line)) throw new ModelCardError(`the model card ${file}: text before the first "## " heading; put each field under a heading such as "## Intended use"`);
  }
  close();
  if (fields.length === 0) throw new ModelCardError(`the model card ${file} has no "## " heading: write one per field, such as "## Intended use"`);
  return fields;
}

/** Reads a model card; a file that cannot be read or parsed is an error naming it and what is wrong. */
export async function readModelCard(file: string): Promise<ModelCard> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ModelCardError(`cannot read the model card ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.md') throw new ModelCardError(`the model card ${file} must be a .json or .md file`);
  const fields = (ext === '.json' ? fromJson(file, text) : fromMarkdown(file, text)).filter((f) => f.text.trim() !== '');
  return { file, fields };
}

/** The model card beside the model file, when one is there; null otherwise. */
export async function modelCardBeside(modelPath: string): Promise<ModelCard | null> {
  const dir = path.dirname(modelPath);
  const found = MODEL_CARD_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
  return found === undefined ? null : readModelCard(found);
}
