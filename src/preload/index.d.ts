import type { BiascopeClient } from '../shared/client';

declare global {
  interface Window {
    /** The back end, exposed by the preload. Absent when no back end is connected (a browser builds its own client). */
    readonly biascope?: BiascopeClient;
  }
}
