import { BrowserWindow } from 'electron';
import { pathToFileURL } from 'node:url';
import { hardenWebContents } from './security';

export interface MainWindowOptions {
  /** Absolute path of the built preload script. */
  preloadPath: string;
  /** The page to load: the dev server, or the built index.html as a file:// URL. */
  appUrl: string;
}

/**
 * The page the window shows: the dev server electron-vite announces in
 * ELECTRON_RENDERER_URL, else the built page. Callers pass no dev URL when packaged.
 */
export function rendererUrl(devServerUrl: string | undefined, builtHtmlPath: string): string {
  return devServerUrl ? devServerUrl : pathToFileURL(builtHtmlPath).href;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'biascope',
    width: 1280,
    height: 800,
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
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.appUrl).catch((error: unknown) => {
    console.error(`biascope: could not load ${options.appUrl}:`, error);
  });
  return window;
}
