import {
  API_METHODS,
  CHANNELS,
  callError,
  isResult,
  type ApiMethod,
  type BiascopeApi,
} from './api';

/** `ipcRenderer.invoke`, or anything shaped like it. */
export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;

/**
 * The contract as the renderer sees it: each method invokes its channel and unwraps the
 * Result, throwing an Error that names the call when the back end reports a failure.
 */
export function createBridge(invoke: Invoke): BiascopeApi {
  const call = async (method: ApiMethod, args: unknown[]): Promise<unknown> => {
    let reply: unknown;
    try {
      reply = await invoke(CHANNELS[method], ...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw callError(method, { kind: 'internal', message });
    }
    if (!isResult(reply)) {
      throw callError(method, { kind: 'internal', message: 'malformed reply' });
    }
    if (!reply.ok) throw callError(method, reply.error);
    return reply.value;
  };
  const methods = API_METHODS.map((method) => [
    method,
    (...args: unknown[]) => call(method, args),
  ]);
  return Object.freeze(Object.fromEntries(methods)) as BiascopeApi;
}
