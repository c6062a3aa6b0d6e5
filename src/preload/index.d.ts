import type { BiascopeApi } from '../shared/api';

declare global {
  interface Window {
    /** The back end, exposed by the preload. Absent when no back end is connected. */
    readonly biascope?: BiascopeApi;
  }
}
