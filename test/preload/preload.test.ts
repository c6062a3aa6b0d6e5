import { beforeEach, describe, expect, it, vi } from 'vitest';
import { imageHandler } from '../../src/main/electron/protocol';
import { CHANNELS, errorKindOf, fail, ok, type AuditState } from '../../src/shared/api';
import type { BiascopeClient } from '../../src/shared/client';
import { EVENT_CHANNEL } from '../../src/shared/events';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  return {
    listeners,
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: {
      invoke: vi.fn(),
      on: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
        listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener));
      }),
      removeListener: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
        listeners.get(channel)?.delete(listener);
      }),
    },
  };
});

vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

await import('../../src/preload/index');

// Read now: mock calls are cleared before each test.
const exposures = [...electron.contextBridge.exposeInMainWorld.mock.calls];

const info = { name: 'biascope', version: '0.1.0', node: '22.20.0', electron: '45.4.1' };

const audit: AuditState = {
  status: 'running',
  settings: {} as AuditState['settings'],
  datasetId: 1,
  modelId: 2,
  layer: 'conv2',
  progress: {} as AuditState['progress'],
  summary: null,
  error: null,
};

function exposed(): BiascopeClient {
  return exposures[0]?.[1] as BiascopeClient;
}

/** What the main process does: webContents.send(EVENT_CHANNEL, frame). */
function push(frame: unknown): void {
  for (const listener of electron.listeners.get(EVENT_CHANNEL) ?? []) listener({ sender: {} }, frame);
}

function ipcListeners(): number {
  return electron.listeners.get(EVENT_CHANNEL)?.size ?? 0;
}

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset();
});

describe('window.biascope', () => {
  it('is exposed once, frozen, with the api, events and image URLs', () => {
    expect(exposures).toHaveLength(1);
    expect(exposures[0]?.[0]).toBe('biascope');
    expect(Object.keys(exposed()).sort()).toEqual(['api', 'imageUrl', 'on']);
    expect(Object.isFrozen(exposed())).toBe(true);
  });
});

describe('api', () => {
  it('has every method of the contract', () => {
    expect(Object.keys(exposed().api).sort()).toEqual(Object.keys(CHANNELS).sort());
    expect(Object.isFrozen(exposed().api)).toBe(true);
  });

  it('invokes each method on its channel', async () => {
    for (const [method, channel] of Object.entries(CHANNELS)) {
      electron.ipcRenderer.invoke.mockResolvedValueOnce(ok(null));
      const call = exposed().api[method as keyof typeof CHANNELS] as (...args: unknown[]) => Promise<unknown>;
      await call({ probe: method });
      expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(channel, { probe: method });
    }
  });

  it('unwraps an ok result', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce(ok(info));
    await expect(exposed().api.appInfo()).resolves.toEqual(info);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('biascope:app-info');
  });

  it('throws an Error naming the call and the kind on failure', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce(fail('forbidden', 'not our window'));
    const error: unknown = await exposed().api.appInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('appInfo failed [forbidden]: not our window');
    expect(errorKindOf(error)).toBe('forbidden');
  });

  it('turns a malformed reply into an internal error', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ value: info });
    await expect(exposed().api.appInfo()).rejects.toThrow('appInfo failed [internal]: malformed reply');
  });

  it('turns a transport failure into an internal error', async () => {
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error('No handler registered'));
    await expect(exposed().api.appInfo()).rejects.toThrow('appInfo failed [internal]: No handler registered');
  });
});

describe('on', () => {
  it('delivers checked payloads of its event only', () => {
    const onMenu = vi.fn();
    const onAudit = vi.fn();
    const offMenu = exposed().on('menu', onMenu);
    const offAudit = exposed().on('audit', onAudit);
    push({ event: 'menu', payload: { command: 'open-dataset', argument: '/data' } });
    expect(onMenu).toHaveBeenCalledExactlyOnceWith({ command: 'open-dataset', argument: '/data' });
    expect(onAudit).not.toHaveBeenCalled();
    offMenu();
    offAudit();
  });

  it('drops frames outside the contract', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const onMenu = vi.fn();
    const off = exposed().on('menu', onMenu);
    for (const frame of [
      null,
      'menu',
      { event: 'menu' },
      { event: 'menu', payload: { command: 'format-disk' } },
      { event: 'shutdown', payload: {} },
      { event: 'audit', payload: { ...audit, status: 'exploded' } },
    ]) {
      push(frame);
    }
    expect(onMenu).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(6);
    off();
    warn.mockRestore();
  });

  it('stops delivering after unsubscribe, and listens on IPC only while someone does', () => {
    expect(ipcListeners()).toBe(0);
    const first = vi.fn();
    const second = vi.fn();
    const offFirst = exposed().on('menu', first);
    const offSecond = exposed().on('menu', second);
    expect(ipcListeners()).toBe(1);

    offFirst();
    offFirst();
    push({ event: 'menu', payload: { command: 'start-audit' } });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    expect(ipcListeners()).toBe(1);

    offSecond();
    expect(ipcListeners()).toBe(0);
  });

  it('keeps delivering to others when one listener throws', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const after = vi.fn();
    const offThrowing = exposed().on('menu', () => {
      throw new Error('listener bug');
    });
    const offAfter = exposed().on('menu', after);
    push({ event: 'menu', payload: { command: 'toggle-overlay' } });
    expect(after).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalled();
    offThrowing();
    offAfter();
    error.mockRestore();
  });

  it('refuses an event that does not exist', () => {
    expect(() => exposed().on('shutdown' as 'menu', vi.fn())).toThrow(/no event named "shutdown"/);
    expect(ipcListeners()).toBe(0);
  });
});

describe('imageUrl', () => {
  it('encodes each path segment on the image scheme', () => {
    expect(exposed().imageUrl(4, 'nurse/scrubs #2/a%b?.png', 'thumb')).toBe(
      'biascope-image://dataset/4/nurse/scrubs%20%232/a%25b%3F.png?size=thumb',
    );
  });

  it('makes URLs the image protocol reads back', async () => {
    const serve = vi.fn(() => Promise.resolve({ bytes: Buffer.from('png'), contentType: 'image/png', etag: '"1"' }));
    const response = await imageHandler({ serve })(new Request(exposed().imageUrl(4, 'nurse/ü é#1.png', 'full')));
    expect(response.status).toBe(200);
    expect(serve).toHaveBeenCalledWith(4, 'nurse/ü é#1.png', 'full');
  });
});
