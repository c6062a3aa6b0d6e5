import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, errorKindOf, fail, ok, type BiascopeApi } from '../../src/shared/api';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn() },
}));

vi.mock('electron', () => electron);

await import('../../src/preload/index');

// Read now: mock calls are cleared before each test.
const exposures = [...electron.contextBridge.exposeInMainWorld.mock.calls];

const info = { name: 'biascope', version: '0.1.0', node: '22.20.0', electron: '45.4.1' };

function exposed(): BiascopeApi {
  return exposures[0]?.[1] as BiascopeApi;
}

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset();
});

describe('preload', () => {
  it('exposes every method of the contract as window.biascope', () => {
    expect(exposures).toHaveLength(1);
    expect(exposures[0]?.[0]).toBe('biascope');
    expect(Object.keys(exposed()).sort()).toEqual(Object.keys(CHANNELS).sort());
    expect(Object.isFrozen(exposed())).toBe(true);
  });

  it('invokes the channel and unwraps an ok result', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce(ok(info));
    await expect(exposed().appInfo()).resolves.toEqual(info);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('biascope:app-info');
  });

  it('throws an Error naming the call and the kind on failure', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce(fail('forbidden', 'not our window'));
    const error: unknown = await exposed().appInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('appInfo failed [forbidden]: not our window');
    expect(errorKindOf(error)).toBe('forbidden');
  });

  it('turns a malformed reply into an internal error', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ value: info });
    await expect(exposed().appInfo()).rejects.toThrow('appInfo failed [internal]: malformed reply');
  });

  it('turns a transport failure into an internal error', async () => {
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error('No handler registered'));
    await expect(exposed().appInfo()).rejects.toThrow(
      'appInfo failed [internal]: No handler registered',
    );
  });
});
