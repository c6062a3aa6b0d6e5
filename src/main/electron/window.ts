import { BrowserWindow } from 'electron';
import { hardenWebContents } from './security';
import { DEFAULT_SIZE, type WindowPlacement } from './window-state';
import { APP_PAGE_URL } from './app-protocol';

export interface MainWindowOptions {
  /** Absolute path of the built preload script. */
  preloadPath: string;
  /** The page to load: the dev server, or the built page over the app scheme (app-protocol.ts). */
  appUrl: string;
  /** The built renderer folder the app scheme serves. */
  rendererDir: string;
}

/**
 * The page the window shows: the dev server electron-vite announces in
 * ELECTRON_RENDERER_URL, else the built page. Callers pass no dev URL when packaged.
 */
export function rendererUrl(devServerUrl: string | undefined): string {
  return devServerUrl ? devServerUrl : APP_PAGE_URL;
}

export function createMainWindow(
  options: MainWindowOptions,
  placement: WindowPlacement = { bounds: { ...DEFAULT_SIZE }, maximized: false },
): BrowserWindow {
  const window = new BrowserWindow({
    title: 'biascope',
    ...placement.bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    backgroundColor: '#f7f7f5',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  hardenWebContents(window.webContents, options.appUrl);
  // Shown once painted, so it never flashes blank. Maximizing waits too: maximize() shows a hidden window.
  window.once('ready-to-show', () => {
    if (placement.maximized) window.maximize();
    window.show();
  });
  window.loadURL(options.appUrl).catch((error: unknown) => {
    console.error(`biascope: could not load ${options.appUrl}:`, error);
  });
  return window;
}
