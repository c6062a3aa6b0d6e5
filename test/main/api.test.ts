import { describe, expect, it } from 'vitest';
import { createApi, dispatch } from '../../src/main/api';
import { CallError, type BiascopeApi } from '../../src/shared/api';
import type { Workspace } from '../../src/main/workspace/workspace';

const api = createApi({ name: 'biascope', version: '0.1.0' }, {} as Workspace);

function withAppInfo(appInfo: () => Promise<unknown>): BiascopeApi {
  return { appInfo } as BiascopeApi;
}

describe('createApi', () => {
  it('reports name and versions', async () => {
    await expect(api.appInfo()).resolves.toEqual({
      name: 'biascope',
      version: '0.1.0',
      node: process.versions.node,
      electron: null,
    });
  });
});

describe('dispatch', () => {
  it('wraps the value in an ok result', async () => {
    const reply = await dispatch(api, 'appInfo', []);
    expect(reply).toMatchObject({ ok: true, value: { name: 'biascope' } });
  });

  it('refuses arguments outside the contract', async () => {
    const reply = await dispatch(api, 'appInfo', [{ path: '/etc' }]);
    expect(reply).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });

  it('keeps the kind of a CallError', async () => {
    const failing = withAppInfo(() => Promise.reject(new CallError('unsupported', 'no backend')));
    await expect(dispatch(failing, 'appInfo', [])).resolves.toEqual({
      ok: false,
      error: { kind: 'unsupported', message: 'no backend' },
    });
  });

  it('reports other failures as internal, without throwing', async () => {
    const failing = withAppInfo(() => {
      throw new TypeError('boom');
    });
    await expect(dispatch(failing, 'appInfo', [])).resolves.toEqual({
      ok: false,
      error: { kind: 'internal', message: 'boom' },
    });
  });

  it('refuses to send a value outside the contract', async () => {
    const drifting = withAppInfo(() => Promise.resolve({ name: 'biascope', version: 1 }));
    const reply = await dispatch(drifting, 'appInfo', []);
    expect(reply).toMatchObject({ ok: false, error: { kind: 'internal' } });
    const message = reply.ok ? '' : reply.error.message;
    expect(message).toMatch(/^appInfo returned a value outside the contract: /);
  });
});
