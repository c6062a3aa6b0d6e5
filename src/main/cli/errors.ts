/**
 * Failures the CLI expects and reports as one clear line, without a stack trace.
 * Exit codes: 1 for a failure of the work itself, 2 for a command line that is wrong.
 */
import { EngineError } from '../engine/errors';
import { ImageDecodeError } from '../library/decode-errors';
import { DatasetError } from '../library/errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong: unknown command or option, missing or bad value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The work failed for a reason the user can act on. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Failure {
  message: string;
  exitCode: number;
  /** Whether to suggest --help. */
  usage: boolean;
}

/**
 * Expected failures whose classes live in modules the dispatcher must not load to
 * recognise them: jobs/audit.ts loads the audit's whole pipeline, store/errors.ts
 * better-sqlite3. Their constructors set these names.
 */
const EXPECTED_BY_NAME: ReadonlySet<string> = new Set(['AuditError', 'StoreError']);

export function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT_USAGE, usage: true };
  const expected = [EngineError, CliError, ImageDecodeError, DatasetError];
  if (expected.some((kind) => error instanceof kind) || (error instanceof Error && EXPECTED_BY_NAME.has(error.name))) {
    return { message: (error as Error).message, exitCode: EXIT_FAILURE, usage: false };
  }
  // A bug, not a user error: the stack is what a report needs.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { message: `internal error: ${detail}`, exitCode: EXIT_FAILURE, usage: false };
}
