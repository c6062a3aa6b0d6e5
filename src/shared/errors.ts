/**
 * The kinds of failure the contract knows, and the error that carries one. Apart from
 * api.ts and free of zod, so that what only reports errors (the command line's entry)
 * loads nothing heavy. Pure: no Node, no DOM.
 */

/** Why a call failed, in words a user can read. The UI chooses how to show each kind. */
export const ERROR_KINDS = [
  /** The arguments do not match the contract. */
  'invalid-input',
  'not-found',
  /** The caller may not make this call (e.g. a frame that is not ours). */
  'forbidden',
  /** The call clashes with the current state (e.g. an audit already running). */
  'conflict',
  'cancelled',
  /** The request is understood but this build or platform cannot do it. */
  'unsupported',
  /** The machine ran out of what the call needs (disk space); nothing stored before is lost. */
  'resource',
  /** A bug or an unexpected failure on the back end. */
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

export interface ApiError {
  kind: ErrorKind;
  message: string;
}

/**
 * An error with a kind. The back end throws it to choose the kind a caller sees; the
 * caller's side rebuilds it from a failed Result, naming the call.
 */
export class CallError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CallError';
    this.kind = kind;
  }
}
