/**
 * Argument parsing on node's util.parseArgs, with the errors it raises turned into
 * UsageErrors that say what to fix in the words of the command line.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './errors';

interface ParseArgsError extends Error {
  code?: string;
}

function usageMessage(error: ParseArgsError): string {
  const message = error.message;
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const option = /'([^']+)'/.exec(message)?.[1];
      return option ? `unknown option ${option}` : message;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = /'(--?[\w-]+)/.exec(message)?.[1];
      if (/argument missing|ambiguous/.test(message) && option) return `option ${option} needs a value`;
      if (/does not take an argument/.test(message) && option) return `option ${option} takes no value`;
      return message;
    }
    default:
      return message;
  }
}

export interface ParsedArgs<O extends ParseArgsOptionsConfig> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
}

/** Parses `argv` strictly against `options`. */
export function parseCommandArgs<O extends ParseArgsOptionsConfig>(argv: readonly string[], options: O): ParsedArgs<O> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    const parseError = error as ParseArgsError;
    if (typeof parseError.code === 'string' && parseError.code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(usageMessage(parseError));
    }
    throw error;
  }
}

/** An option's value as a whole number in [min, max]. */
export function parseInteger(value: string, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${option} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`${option} must be ${range}, got ${n}`);
  }
  return n;
}

/** An option's value, one of `choices`. */
export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${choices.join(', ')}; got "${value}"`);
}
