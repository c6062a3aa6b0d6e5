/**
 * The command line's one error vocabulary: the application's (CallError and its kinds,
 * shared/api.ts), plus UsageError for a command line that is wrong. Exit codes are
 * decided here and nowhere else: 0 done, 1 the work failed, 2 a wrong command line,
 * 130 stopped by the user (Ctrl-C, as a shell reports SIGINT).
 */
import { CallError, type ErrorKind } from '../../shared/errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** The command line is wrong: unknown command or option, missing or bad value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const EXIT_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  'invalid-input': EXIT_FAILURE,
  'not-found': EXIT_FAILURE,
  forbidden: EXIT_FAILURE,
  conflict: EXIT_FAILURE,
  cancelled: EXIT_INTERRUPTED,
  unsupported: EXIT_FAILURE,
  resource: EXIT_FAILURE,
  internal: EXIT_FAILURE,
};

export interface Failure {
  message: string;
  exitCode: number;
  /** Whether to suggest --help. */
  usage: boolean;
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT_USAGE, usage: true };
  if (error instanceof CallError && error.kind !== 'internal') {
    return { message: error.message, exitCode: EXIT_BY_KIND[error.kind], usage: false };
  }
  // A bug, not a user error: the stack is what a report needs.
  const detail = error instanceof CallError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { message: `internal error: ${detail}`, exitCode: EXIT_BY_KIND.internal, usage: false };
}
