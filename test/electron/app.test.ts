import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend, BackendOptions } from '../../src/main/backend';
import { EventHub } from '../../src/main/workspace/event-hub';
import { Settings } from '../../src/main/workspace/settings';
import { CHANNELS, channelOf, type BiascopeApi } from '../../src/shared/api';
import { EVENT_CHANNEL } from '../../src/shared/events';
import * as electron from './fake-electron';
import { FakeBrowserWindow, FakeWebContents, lastWindow, resetElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

/** The back end is the other side of the wiring: a fake api over real settings and events. */
const backends = vi.hoisted(() => ({ created: [] as unknown[], make: undefined as unknown }));
// Only createBackend is faked: what backend.ts passes through to electron/ from the layers
// under it (the window-state schema, the PDF page count) stays real.
vi.mock(import('../../src/main/backend'), async (importOriginal) => ({
  ...(await importOriginal()),
  createBackend: (options) => (backends.make as (options: unknown) => Backend)(options),
}));

const { startDesktop } = await import('../../src/main/electron/app');
const { CONTENT_SECURITY_POLICY } = await import('../../src/main/electron/security');

const APP_URL = 'http://localhost:5173/';
const options = { preloadPath: '/app/out/preload/index.cjs', appUrl: APP_URL, rendererDir: '/app/out/renderer' };
const folder = mkdtempSync(path.join(tmpdir(), 'biascope-app-'));
const info = { name: 'biascope', version: '0.1.0', node: process.versions.node, electron: null };

interface FakeBackend extends Backend {
  options: BackendOptions;
  close: ReturnType<typeof vi.fn<() => Promise<void>>>;
}

backends.make = (options: BackendOptions): FakeBackend => {
  const settings = new Settings(path.join(options.dataDir!, 'settings.json'));
  const api = {
    appInfo: () => Promise.resolve(info),
    openDataset: ({ root }: { root: string }) => {
      settings.addRecent(root, path.basename(root));
      return Promise.reject(new Error('not a real dataset'));
    },
  } as unknown as BiascopeApi;
  const backend: FakeBackend = {
    options,
    api,
    images: { serve: () => Promise.reject(new Error('no images')) },
    events: new EventHub(),
    settings,
    close: vi.fn(() => Promise.resolve()),
  };
  backends.created.push(backend);
  return backend;
};

function lastBackend(): FakeBackend {
  const backend = backends.created.at(-1);
  if (!backend) throw new Error('no back end was created');
  return backend as FakeBackend;
}

let run = 0;

beforeEach(() => {
  resetElectron();
  backends.created = [];
  electron.app.userData = path.join(folder, `run-${run++}`);
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

async function start(): Promise<FakeBrowserWindow> {
  startDesktop(options);
  await vi.waitFor(() => expect(FakeBrowserWindow.all).toHaveLength(1));
  return lastWindow();
}

function eventFrom(window: FakeBrowserWindow, url = APP_URL) {
  const { webContents } = window;
  return {
    sender: { id: webContents.id },
    senderFrame: { ...webContents.mainFrame, url },
  };
}

function appMenu(): MenuItemConstructorOptions[] {
  const calls = electron.Menu.buildFromTemplate.mock.calls;
  return calls.at(-1)?.[0] as MenuItemConstructorOptions[];
}

function recentLabels(): string[] {
  const file = appMenu().find((item) => item.label === '&File')?.submenu as MenuItemConstructorOptions[];
  const recent = file.find((item) => item.label === 'Open &Recent')?.submenu as MenuItemConstructorOptions[];
  return recent.map((item) => String(item.label));
}

describe('startDesktop', () => {
  it('quits when another instance holds the lock', () => {
    electron.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    startDesktop(options);
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
  });

  it('registers the image and page schemes before the app is ready, in one call', async () => {
    await start();
    const [register] = electron.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder;
    const [ready] = electron.app.whenReady.mock.invocationCallOrder;
    expect(register).toBeLessThan(ready!);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'biascope-image' }),
      expect.objectContaining({ scheme: 'biascope-app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(electron.session.defaultSession.protocol.handle).toHaveBeenCalledWith('biascope-app', expect.any(Function));
  });

  it('holds every web contents it ever makes to our page: no window, no webview, no navigation away', async () => {
    await start();
    const contents = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler?.()).toEqual({ action: 'deny' });
    const away = { url: 'https://example.invalid/', preventDefault: vi.fn() };
    contents.emit('will-navigate', away);
    expect(away.preventDefault).toHaveBeenCalled();
    const home = { url: `${APP_URL}#/image/1`, preventDefault: vi.fn() };
    contents.emit('will-navigate', home);
    expect(home.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('hardens the session before any page loads', async () => {
    await start();
    const { defaultSession } = electron.session;
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();

    const request = defaultSession.setPermissionRequestHandler.mock.calls[0]?.[0] as (...args: unknown[]) => void;
    const callback = vi.fn();
    request({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);

    const addHeader = defaultSession.webRequest.onHeadersReceived.mock.calls[0]?.[0] as (...args: unknown[]) => void;
    const respond = vi.fn();
    addHeader({ responseHeaders: { 'X-Other': ['1'] } }, respond);
    expect(respond).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('builds the back end in the user data folder, with native pickers', async () => {
    await start();
    const backend = lastBackend();
    expect(backend.options).toMatchObject({ name: 'biascope', version: '0.1.0', dataDir: electron.app.userData });
    expect(backend.options.dialogs?.pickPath).toBeTypeOf('function');
  });

  it('serves dataset images on the default session', async () => {
    await start();
    const { handle } = electron.session.defaultSession.protocol;
    expect(handle).toHaveBeenCalledWith('biascope-image', expect.any(Function));
    const handler = handle.mock.calls[0]?.[1] as (request: Request) => Promise<Response>;
    const response = await handler(new Request('biascope-image://dataset/1/a.png?size=thumb'));
    expect(response.status).toBe(500);
  });
});

describe('the API over IPC', () => {
  it('serves every method on the channel the contract derives', async () => {
    await start();
    expect(CHANNELS.appInfo).toBe(channelOf('appInfo'));
    expect([...electron.handlers.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
  });

  it('answers app-info to our window', async () => {
    const window = await start();
    const reply = await electron.handlers.get('biascope:app-info')?.(eventFrom(window));
    expect(reply).toEqual({ ok: true, value: info });
  });

  it('refuses other senders', async () => {
    const window = await start();
    const handler = electron.handlers.get(CHANNELS.appInfo);
    const stranger = new FakeBrowserWindow({});
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

  it('refuses everyone once the window is closed', async () => {
    const window = await start();
    window.close();
    const reply = await electron.handlers.get(CHANNELS.appInfo)?.(eventFrom(window));
    expect(reply).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('reports arguments outside the contract as invalid input', async () => {
    const window = await start();
    const reply = await electron.handlers.get(CHANNELS.appInfo)?.(eventFrom(window), 'unexpected');
    expect(reply).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });
});

describe('events and the menu', () => {
  it('pushes back-end events to the main window, and nothing once it is closed', async () => {
    const window = await start();
    const backend = lastBackend();
    backend.events.emit('menu', { command: 'next-colormap' });
    expect(window.webContents.sent).toEqual([[EVENT_CHANNEL, { event: 'menu', payload: { command: 'next-colormap' } }]]);
    window.close();
    expect(() => backend.events.emit('menu', { command: 'next-colormap' })).not.toThrow();
    expect(window.webContents.sent).toHaveLength(1);
  });

  it('sets the application menu, whose items reach the page as menu events', async () => {
    const window = await start();
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    const file = appMenu().find((item) => item.label === '&File')?.submenu as MenuItemConstructorOptions[];
    (file[0]?.click as () => void)();
    expect(window.webContents.sent.at(-1)).toEqual([
      EVENT_CHANNEL,
      { event: 'menu', payload: { command: 'open-dataset' } },
    ]);
  });

  it('rebuilds the menu when a call changes the recent datasets', async () => {
    const window = await start();
    expect(recentLabels()).toEqual(['No Recent Datasets']);
    await electron.handlers.get(CHANNELS.appInfo)?.(eventFrom(window));
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);

    const reply = await electron.handlers.get(CHANNELS.openDataset)?.(eventFrom(window), { root: '/data/doctors' });
    expect(reply).toMatchObject({ ok: false });
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(2);
    expect(recentLabels()).toEqual(['doctors']);

    const recent = appMenu().find((item) => item.label === '&File')?.submenu as MenuItemConstructorOptions[];
    const entry = (recent.find((item) => item.label === 'Open &Recent')?.submenu as MenuItemConstructorOptions[])[0];
    (entry?.click as () => void)();
    expect(window.webContents.sent.at(-1)).toEqual([
      EVENT_CHANNEL,
      { event: 'menu', payload: { command: 'open-dataset', argument: '/data/doctors' } },
    ]);
  });

  it('offers developer tools only when not packaged', async () => {
    electron.app.isPackaged = true;
    await start();
    expect(JSON.stringify(appMenu())).not.toContain('toggleDevTools');
  });
});

describe('the window', () => {
  it('opens where it was left and saves its bounds on close', async () => {
    const first = await start();
    first.normalBounds = { x: 300, y: 200, width: 1100, height: 750 };
    first.maximized = true;
    first.close();
    expect(lastBackend().settings.window).toEqual({ x: 300, y: 200, width: 1100, height: 750, maximized: true });

    electron.app.emit('activate');
    expect(FakeBrowserWindow.getAllWindows()).toHaveLength(1);
    const second = lastWindow();
    expect(second.options).toMatchObject({ x: 300, y: 200, width: 1100, height: 750 });
    second.emit('ready-to-show');
    expect(second.maximized).toBe(true);
  });

  it('centres a window that would open off screen', async () => {
    const window = await start();
    window.normalBounds = { x: -5000, y: 200, width: 1100, height: 750 };
    window.close();
    electron.app.emit('activate');
    expect(lastWindow().options).not.toHaveProperty('x');
  });

  it('quits when the last window closes, except on macOS', async () => {
    await start();
    electron.app.emit('window-all-closed');
    expect(electron.app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
  });
});

describe('quitting', () => {
  it('closes the back end before quitting', async () => {
    await start();
    const backend = lastBackend();
    const quit = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled();
    expect(backend.close).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1));

    const final = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', final);
    expect(final.preventDefault).not.toHaveBeenCalled();
  });

  it('reports a failure to start and exits', async () => {
    const make = backends.make;
    backends.make = () => {
      throw new Error('library.db is from a newer biascope');
    };
    vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      startDesktop(options);
      await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(1));
      expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('biascope could not start', 'library.db is from a newer biascope');
    } finally {
      backends.make = make;
      vi.restoreAllMocks();
    }
  });
});
