import { app, BrowserWindow, ipcMain, session } from 'electron';
import { createApi } from '../api';
import { handleApi } from './ipc';
import { hardenSession, isTrustedSender } from './security';
import { createMainWindow, type MainWindowOptions } from './window';

/** Runs the desktop app: one instance, one main window, the API on IPC. */
export function startDesktop(options: MainWindowOptions): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();

  let window: BrowserWindow | null = null;
  const open = (): void => {
    window = createMainWindow(options);
    window.on('closed', () => {
      window = null;
    });
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) open();
  });

  app
    .whenReady()
    .then(() => {
      hardenSession(session.defaultSession);
      const api = createApi({ name: app.getName(), version: app.getVersion() });
      handleApi(ipcMain, api, (event) => isTrustedSender(event, window, options.appUrl));
      open();
    })
    .catch((error: unknown) => {
      console.error('biascope: failed to start:', error);
      app.exit(1);
    });
}
