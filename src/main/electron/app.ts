import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session } from 'electron';
import { createBackend, type Backend } from '../backend';
import { nativeDialogs } from './dialogs';
import { windowEventSink } from './event-sink';
import { handleApi } from './ipc';
import { electronPdfPrinter } from './print-pdf';
import { menuRefresher, type SendMenuCommand } from './menu';
import { handleAppFiles } from './app-protocol';
import { handleImages, registerSchemes } from './protocol';
import { closeBeforeQuit } from './quit';
import { hardenSession, hardenWebContents, isTrustedSender } from './security';
import { createMainWindow, type MainWindowOptions } from './window';
import { restorePlacement, trackWindowState } from './window-state';

/** Runs the desktop app: one instance, one main window, the back end on IPC and the image protocol. */
export function startDesktop(options: MainWindowOptions): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  registerSchemes(protocol);
  // Every web contents the app ever makes (the main window, the PDF printer's, any a
  // bug might open) is held to our page: no new windows, webviews or navigation away.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, options.appUrl));

  /** Set once the app is ready. */
  let started: Backend | null = null;
  let window: BrowserWindow | null = null;
  const mainWindow = (): BrowserWindow | null => window;

  const open = (backend: Backend): void => {
    const placement = restorePlacement(backend.settings.window, (bounds) => screen.getDisplayMatching(bounds).workArea);
    const opened = createMainWindow(options, placement);
    trackWindowState(opened, (state) => backend.settings.setWindow(state));
    opened.on('closed', () => {
      if (window === opened) window = null;
    });
    window = opened;
  };

  const start = (): Backend => {
    hardenSession(session.defaultSession);
    const backend = createBackend({
      name: app.getName(),
      version: app.getVersion(),
      dataDir: app.getPath('userData'),
      dialogs: nativeDialogs(dialog, mainWindow),
      printPdf: electronPdfPrinter((windowOptions) => new BrowserWindow(windowOptions)),
    });
    closeBeforeQuit(app, () => backend.close());
    handleImages(session.defaultSession.protocol, backend.images);
    handleAppFiles(session.defaultSession.protocol, options.rendererDir);
    backend.events.connect(windowEventSink(mainWindow));
    const send: SendMenuCommand = (command, argument) =>
      backend.events.emit('menu', argument === undefined ? { command } : { command, argument });
    const refreshMenu = menuRefresher(
      (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
      () => ({
        appName: app.getName(),
        platform: process.platform,
        packaged: app.isPackaged,
        recent: backend.settings.recent,
        send,
      }),
    );
    refreshMenu();
    handleApi(ipcMain, backend.api, (event) => isTrustedSender(event, window, options.appUrl), refreshMenu);
    return backend;
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
    if (started && BrowserWindow.getAllWindows().length === 0) open(started);
  });

  app
    .whenReady()
    .then(() => {
      started = start();
      open(started);
    })
    .catch((error: unknown) => {
      console.error('biascope: failed to start:', error);
      dialog.showErrorBox('biascope could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
