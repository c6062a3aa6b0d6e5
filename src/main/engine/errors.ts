/** Errors the engine raises on bad input: each names what was wrong and where. */

export type EngineErrorKind =
  | 'model-not-found'
  | 'model-invalid'
  | 'config-invalid'
  | 'layer-not-found'
  | 'method-unsupported'
  | 'target-invalid'
  | 'input-invalid'
  | 'backend-unavailable';

export class EngineError extends Error {
  readonly kind: EngineErrorKind;

  constructor(kind: EngineErrorKind, message: string) {
    super(message);
    this.name = 'EngineError';
    this.kind = kind;
  }
}
