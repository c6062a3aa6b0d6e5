/** The app state through Svelte context: set once by App.svelte, read by any component. */
import { getContext, setContext } from 'svelte';
import type { AppState } from './app-state.svelte';

const KEY = Symbol('biascope-app');

export function setApp(app: AppState): AppState {
  return setContext(KEY, app);
}

export function getApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('getApp: no AppState in context (is the component inside App.svelte?)');
  return app;
}
