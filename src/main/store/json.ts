/**
 * JSON columns: written with JSON.stringify, checked with zod on the way back, so a
 * hand-edited or damaged value fails loudly with the row it came from.
 */
import { z } from 'zod';
import { StoreError } from './errors';
import type { StoredPrediction } from './types';

/** [index, logit, prob]: tuples rather than objects, the keys would outweigh the numbers. */
const topSchema = z.array(z.tuple([z.number().int().nonnegative(), z.number(), z.number()]));
const stringsSchema = z.array(z.string());

function parse<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoreError('invalid', `${what} is not valid JSON: ${text.slice(0, 80)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreError('invalid', `${what} has an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

export function encodeTop(top: StoredPrediction['top']): string {
  return JSON.stringify(top.map((entry) => [entry.index, entry.logit, entry.prob]));
}

export function decodeTop(text: string, what: string): StoredPrediction['top'] {
  return parse(topSchema, text, what).map(([index, logit, prob]) => ({ index, logit, prob }));
}

export function encodeStrings(values: readonly string[]): string {
  return JSON.stringify(values);
}

export function decodeStrings(text: string, what: string): string[] {
  return parse(stringsSchema, text, what);
}
