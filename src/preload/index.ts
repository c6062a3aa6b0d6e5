/**
 * The sandboxed preload: `window.biascope`, the contract's calls over IPC, pushed events
 * and image URLs. It runs as CommonJS and may require only 'electron'; everything else is
 * bundled in.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBridge } from '../shared/bridge';
import { IMAGE_SCHEME, imageRoute, type BiascopeClient } from '../shared/client';
import { EVENT_CHANNEL, isEventName, parseEventFrame, type EventName } from '../shared/events';

type Listener = (payload: unknown) => void;

/**
 * One IPC listener fans frames out to every subscriber: a listener per subscription
 * would trip Node's leak warning past ten, and one that throws would silence the rest.
 */
const listeners = new Map<EventName, Set<Listener>>();

function deliver(_event: IpcRendererEvent, frame: unknown): void {
  const checked = parseEventFrame(frame);
  if (!checked) {
    console.warn('biascope: dropped an event that is not in the contract');
    return;
  }
  for (const listener of listeners.get(checked.event) ?? []) {
    try {
      listener(checked.payload);
    } catch (error) {
      console.error(`biascope: a listener of ${checked.event} failed:`, error);
    }
  }
}

function subscribe(event: EventName, listener: Listener): () => void {
  if (!isEventName(event)) throw new TypeError(`biascope.on: no event named ${JSON.stringify(event)}`);
  if (listeners.size === 0) ipcRenderer.on(EVENT_CHANNEL, deliver);
  const set = listeners.get(event) ?? new Set<Listener>();
  // Wrapped, so that subscribing the same function twice needs two unsubscribes.
  const entry: Listener = (payload) => listener(payload);
  set.add(entry);
  listeners.set(event, set);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    set.delete(entry);
    if (set.size === 0 && listeners.get(event) === set) listeners.delete(event);
    if (listeners.size === 0) ipcRenderer.removeListener(EVENT_CHANNEL, deliver);
  };
}

const client: BiascopeClient = {
  api: createBridge((channel, ...args) => ipcRenderer.invoke(channel, ...args)),
  on: (event, listener) => subscribe(event, listener as Listener),
  // The host is the one the main process's image protocol answers (IMAGE_HOST).
  imageUrl: (datasetId, path, size) => `${IMAGE_SCHEME}://dataset${imageRoute(datasetId, path, size)}`,
};

contextBridge.exposeInMainWorld('biascope', Object.freeze(client));
