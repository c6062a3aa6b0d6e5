/**
 * Just enough of Electron for the main-process wiring to run in Node. Test files mock
 * 'electron' with `electronModule` and inspect the same objects.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();

  on(name: string, listener: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }

  once(name: string, listener: Listener): this {
    const wrapper: Listener = (...args) => {
      this.listeners.set(name, (this.listeners.get(name) ?? []).filter((entry) => entry !== wrapper));
      return listener(...args);
    };
    return this.on(name, wrapper);
  }

  emit(name: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(name) ?? []) listener(...args);
  }
}

export class FakeWebContents extends FakeEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame = { processId: 7, routingId: this.id, url: '' };
  readonly sent: unknown[][] = [];
  destroyed = false;
  windowOpenHandler: Listener | undefined;

  setWindowOpenHandler(handler: Listener): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, ...args]);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FakeBrowserWindow extends FakeEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((window) => !window.destroyed);
  }

  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  normalBounds: Bounds;
  destroyed = false;
  maximized = false;
  shown = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
    const number = (key: string, fallback: number): number => {
      const value = options[key];
      return typeof value === 'number' ? value : fallback;
    };
    this.normalBounds = { x: number('x', 100), y: number('y', 100), width: number('width', 800), height: number('height', 600) };
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  show(): void {
    this.shown = true;
  }

  maximize(): void {
    this.maximized = true;
    this.shown = true;
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  isMinimized(): boolean {
    return false;
  }

  restore(): void {}

  focus(): void {}

  getNormalBounds(): Bounds {
    return { ...this.normalBounds };
  }

  /** What closing it does: 'close', then destruction, then 'closed'. */
  close(): void {
    this.emit('close', { preventDefault: () => {} });
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export const handlers = new Map<string, Listener>();

export const ipcMain = {
  handle: vi.fn((channel: string, listener: Listener) => {
    handlers.set(channel, listener);
  }),
  removeHandler: vi.fn((channel: string) => {
    handlers.delete(channel);
  }),
};

class FakeApp extends FakeEmitter {
  isPackaged = false;
  userData = '/tmp/biascope-user-data';
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly enableSandbox = vi.fn();
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly isReady = vi.fn(() => true);
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly getName = vi.fn(() => 'biascope');
  readonly getVersion = vi.fn(() => '0.1.0');
  readonly getPath = vi.fn((name: string) => (name === 'userData' ? this.userData : `/tmp/${name}`));
}

export const app = new FakeApp();

function fakeProtocol() {
  return { handle: vi.fn(), unhandle: vi.fn() };
}

export const protocol = { ...fakeProtocol(), registerSchemesAsPrivileged: vi.fn() };

export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
    protocol: fakeProtocol(),
  },
};

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
  setApplicationMenu: vi.fn(),
};

export const WORK_AREA: Bounds = { x: 0, y: 25, width: 1920, height: 1055 };

export const screen = {
  getDisplayMatching: vi.fn(() => ({ workArea: WORK_AREA })),
};

export const dialog = {
  showOpenDialog: vi.fn(),
  showErrorBox: vi.fn(),
};

export const electronModule = { app, BrowserWindow: FakeBrowserWindow, ipcMain, protocol, session, Menu, screen, dialog };

/** Forgets windows, handlers, listeners and calls between tests. */
export function resetElectron(): void {
  FakeBrowserWindow.all = [];
  handlers.clear();
  app.listeners.clear();
  app.isPackaged = false;
  vi.clearAllMocks();
}

export function lastWindow(): FakeBrowserWindow {
  const window = FakeBrowserWindow.all.at(-1);
  if (!window) throw new Error('no window was created');
  return window;
}
