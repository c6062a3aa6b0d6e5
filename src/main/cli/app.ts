/**
 * The application as a command sees it: the same back end the desktop app and
 * `biascope serve` build (backend.ts), called through the same `dispatch` as IPC and
 * HTTP, so every argument is checked against the contract and every failure arrives as
 * a CallError of the contract's kinds.
 */
import type { ApiArgs, ApiMethod, ApiValue } from '../../shared/api';
import { CallError } from '../../shared/errors';
import type { EventSink } from '../../shared/events';
import type { Backend } from '../backend';
import { packageRoot, packageVersion } from '../util/package-root';

export interface CliApp {
  call<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiValue<M>>;
  /** Hears the back end's events (audit progress); returns the function that stops. */
  listen(sink: EventSink): () => void;
  /** Cancels a running audit, waits for it, closes the database. */
  close(): Promise<void>;
}

export interface CliAppOptions {
  /** The audit database. */
  dbFile: string;
  readonly?: boolean;
  workers?: number;
}

export async function openApp(options: CliAppOptions): Promise<CliApp> {
  // Loaded here, not at the top: `biascope --help` must not pay for the store and the workers.
  const [{ createBackend }, { dispatch }] = await Promise.all([import('../backend'), import('../api')]);
  let backend: Backend;
  try {
    backend = createBackend({
      name: 'biascope',
      version: packageVersion(packageRoot()),
      dbFile: options.dbFile,
      demo: null,
      warm: false,
      ...(options.readonly ? { readonly: true } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
    });
  } catch (error) {
    // The database cannot be opened (not SQLite, a newer schema, no permission): the store says which.
    throw new CallError('invalid-input', (error as Error).message);
  }
  return {
    async call(method, ...args) {
      const result = await dispatch(backend.api, method, args);
      if (!result.ok) throw new CallError(result.error.kind, result.error.message);
      return result.value as ApiValue<typeof method>;
    },
    listen: (sink) => backend.events.connect(sink),
    close: () => backend.close(),
  };
}
