import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_METHODS, CHANNELS, fail, type ApiMethod, type BiascopeApi } from '../../shared/api';
import { dispatch } from '../api';

/** Decides whether an IPC call may reach the back end. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * Serves every method of the contract on its channel. Handlers never throw: each call
 * answers with a Result. `afterCall` runs once a trusted call has settled, for state the
 * shell mirrors (the menu's recent datasets). Returns a function that removes the handlers.
 */
export function handleApi(
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>,
  api: BiascopeApi,
  isTrusted: SenderCheck,
  afterCall: (method: ApiMethod) => void = () => {},
): () => void {
  for (const method of API_METHODS) {
    ipc.handle(CHANNELS[method], async (event, ...args: unknown[]) => {
      if (!isTrusted(event)) {
        return fail('forbidden', `${method}: the caller is not a biascope window`);
      }
      const reply = await dispatch(api, method, args);
      try {
        afterCall(method);
      } catch (error) {
        console.warn(`biascope: after ${method}:`, error);
      }
      return reply;
    });
  }
  return () => {
    for (const method of API_METHODS) ipc.removeHandler(CHANNELS[method]);
  };
}
