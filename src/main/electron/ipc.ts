import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_METHODS, CHANNELS, fail, type BiascopeApi } from '../../shared/api';
import { dispatch } from '../api';

/** Decides whether an IPC call may reach the back end. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * Serves every method of the contract on its channel. Handlers never throw: each call
 * answers with a Result. Returns a function that removes the handlers.
 */
export function handleApi(
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>,
  api: BiascopeApi,
  isTrusted: SenderCheck,
): () => void {
  for (const method of API_METHODS) {
    ipc.handle(CHANNELS[method], (event, ...args: unknown[]) => {
      if (!isTrusted(event)) {
        return fail('forbidden', `${method}: the caller is not a biascope window`);
      }
      return dispatch(api, method, args);
    });
  }
  return () => {
    for (const method of API_METHODS) ipc.removeHandler(CHANNELS[method]);
  };
}
