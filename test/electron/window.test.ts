import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, channelOf } from '../../src/shared/api';

/** Just enough of Electron for the main-process wiring to run in Node. */
const electron = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;

  class FakeWebContents {
    static nextId = 1;
    readonly id = FakeWebContents.nextId++;
    readonly listeners = new Map<string, Listener[]>();
    readonly mainFrame = { processId: 7, routingId: this.id, url: '' };
    windowOpenHandler: Listener | undefined;
    setWindowOpenHandler(handler: Listener): void {
      this.windowOpenHandler = handler;
    }
    on(name: string, listener: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    emit(name: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(name) ?? []) listener(...args);
    }
  }

  class FakeBrowserWindow {
    static all: FakeBrowserWindow[] = [];
    static getAllWindows(): FakeBrowserWindow[] {
      return FakeBrowserWindow.all;
    }
    readonly webContents = new FakeWebContents();
    loadedUrl: string | undefined;
    constructor(readonly options: Record<string, unknown>) {
      FakeBrowserWindow.all.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    once(): this {
      return this;
    }
    on(): this {
      return this;
    }
    isDestroyed(): boolean {
      return false;
    }
  }

  const handlers = new Map<string, Listener>();
  const ipcMain = {
    handle: vi.fn((channel: string, listener: Listener) => {
      handlers.set(channel, listener);
    }),
    removeHandler: vi.fn((channel: string) => {
      handlers.delete(channel);
    }),
  };
  const app = {
    requestSingleInstanceLock: vi.fn(() => true),
    enableSandbox: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
    on: vi.fn(),
    isReady: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    getName: vi.fn(() => 'biascope'),
    getVersion: vi.fn(() => '0.1.0'),
  };
  const session = {
    defaultSession: {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      webRequest: { onHeadersReceived: vi.fn() },
    },
  };
  return { BrowserWindow: FakeBrowserWindow, ipcMain, app, session, handlers };
});

vi.mock('electron', () => ({
  BrowserWindow: electron.BrowserWindow,
  ipcMain: electron.ipcMain,
  app: electron.app,
  session: electron.session,
}));

const { startDesktop } = await import('../../src/main/electron/app');
const { createMainWindow, rendererUrl } = await import('../../src/main/electron/window');
const { CONTENT_SECURITY_POLICY, isAppUrl } = await import('../../src/main/electron/security');

type FakeWindow = InstanceType<typeof electron.BrowserWindow>;

const APP_URL = 'http://localhost:5173/';
const options = { preloadPath: '/app/out/preload/index.cjs', appUrl: APP_URL };

function navigation(url: string) {
  return { url, preventDefault: vi.fn() };
}

function lastWindow(): FakeWindow {
  const window = electron.BrowserWindow.all.at(-1);
  if (!window) throw new Error('no window was created');
  return window;
}

beforeEach(() => {
  electron.BrowserWindow.all = [];
  electron.handlers.clear();
  vi.clearAllMocks();
});

describe('createMainWindow', () => {
  it('isolates the renderer', () => {
    createMainWindow(options);
    const prefs = lastWindow().options['webPreferences'];
    expect(prefs).toMatchObject({
      preload: options.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    });
  });

  it('loads the app page', () => {
    createMainWindow(options);
    expect(lastWindow().loadedUrl).toBe(APP_URL);
  });

  it('denies new windows', () => {
    createMainWindow(options);
    const handler = lastWindow().webContents.windowOpenHandler;
    expect(handler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: `${APP_URL}other` })).toEqual({ action: 'deny' });
  });

  it('prevents navigation away from the app, in any frame', () => {
    createMainWindow(options);
    const contents = lastWindow().webContents;
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const foreign = navigation('https://evil.example/');
      contents.emit(name, foreign);
      expect(foreign.preventDefault, name).toHaveBeenCalled();

      const local = navigation(`${APP_URL}#/grid`);
      contents.emit(name, local);
      expect(local.preventDefault, name).not.toHaveBeenCalled();
    }
  });

  it('refuses webviews', () => {
    createMainWindow(options);
    const attach = { preventDefault: vi.fn() };
    lastWindow().webContents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });
});

describe('app urls', () => {
  it('uses the dev server when given, else the built page', () => {
    expect(rendererUrl(APP_URL, '/x/index.html')).toBe(APP_URL);
    expect(rendererUrl(undefined, '/app/out/renderer/index.html')).toBe(
      'file:///app/out/renderer/index.html',
    );
  });

  it('trusts a dev server by origin and a built page by exact path', () => {
    expect(isAppUrl('http://localhost:5173/a?b#c', APP_URL)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', APP_URL)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', APP_URL)).toBe(false);
    const page = 'file:///app/out/renderer/index.html';
    expect(isAppUrl(`${page}#/image/3`, page)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', page)).toBe(false);
    expect(isAppUrl('http://localhost/app/out/renderer/index.html', page)).toBe(false);
    expect(isAppUrl('not a url', page)).toBe(false);
  });

  it('declares the same Content-Security-Policy in index.html as in headers', () => {
    const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
  });
});

describe('startDesktop', () => {
  async function start(): Promise<FakeWindow> {
    startDesktop(options);
    await vi.waitFor(() => expect(electron.BrowserWindow.all).toHaveLength(1));
    return lastWindow();
  }

  function eventFrom(window: FakeWindow, url = APP_URL) {
    const { webContents } = window;
    return {
      sender: { id: webContents.id },
      senderFrame: { ...webContents.mainFrame, url },
    };
  }

  it('quits when another instance holds the lock', () => {
    electron.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    startDesktop(options);
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
  });

  it('hardens the session before any page loads', async () => {
    await start();
    const { defaultSession } = electron.session;
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();

    const request = defaultSession.setPermissionRequestHandler.mock.calls[0]?.[0] as (
      ...args: unknown[]
    ) => void;
    const callback = vi.fn();
    request({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);

    const addHeader = defaultSession.webRequest.onHeadersReceived.mock.calls[0]?.[0] as (
      ...args: unknown[]
    ) => void;
    const respond = vi.fn();
    addHeader({ responseHeaders: { 'X-Other': ['1'] } }, respond);
    expect(respond).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('serves every method on the channel the contract derives', async () => {
    await start();
    expect(CHANNELS.appInfo).toBe(channelOf('appInfo'));
    expect([...electron.handlers.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
  });

  it('answers app-info to our window', async () => {
    const window = await start();
    const handler = electron.handlers.get('biascope:app-info');
    const reply = await handler?.(eventFrom(window));
    expect(reply).toEqual({
      ok: true,
      value: {
        name: 'biascope',
        version: '0.1.0',
        node: process.versions.node,
        electron: null,
      },
    });
  });

  it('refuses other senders', async () => {
    const window = await start();
    const handler = electron.handlers.get(CHANNELS.appInfo);
    const stranger = new electron.BrowserWindow({});
    const fromElsewhere = [
      eventFrom(stranger),
      eventFrom(window, 'https://evil.example/'),
      { ...eventFrom(window), senderFrame: { ...window.webContents.mainFrame, routingId: -1 } },
      { ...eventFrom(window), senderFrame: null },
    ];
    for (const event of fromElsewhere) {
      const reply = await handler?.(event);
      expect(reply).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    }
  });

  it('reports arguments outside the contract as invalid input', async () => {
    const window = await start();
    const handler = electron.handlers.get(CHANNELS.appInfo);
    const reply = await handler?.(eventFrom(window), 'unexpected');
    expect(reply).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });
});
