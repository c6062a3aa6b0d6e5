import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  API_METHODS,
  API_SCHEMAS,
  AppInfoSchema,
  CHANNEL_PREFIX,
  CHANNELS,
  CallError,
  ERROR_KINDS,
  callError,
  channelOf,
  errorKindOf,
  fail,
  isApiMethod,
  isErrorKind,
  isResult,
  ok,
  toApiError,
  type BiascopeApi,
} from '../../src/shared/api';

describe('channels', () => {
  it('derives kebab-case channel names from method names', () => {
    expect(channelOf('appInfo')).toBe('biascope:app-info');
    expect(channelOf('openDataset')).toBe('biascope:open-dataset');
    expect(channelOf('listMapsV2')).toBe('biascope:list-maps-v2');
    expectTypeOf(channelOf('openDataset')).toEqualTypeOf<'biascope:open-dataset'>();
  });

  it('has one distinct, prefixed channel per method of the interface', () => {
    expect(Object.keys(CHANNELS).sort()).toEqual([...API_METHODS].sort());
    const channels = Object.values(CHANNELS);
    expect(new Set(channels).size).toBe(channels.length);
    for (const channel of channels) expect(channel.startsWith(CHANNEL_PREFIX)).toBe(true);
    expect(CHANNELS.appInfo).toBe('biascope:app-info');
    expectTypeOf<keyof typeof CHANNELS>().toEqualTypeOf<keyof BiascopeApi>();
  });

  it('knows its methods', () => {
    expect(API_METHODS).toContain('appInfo');
    expect(isApiMethod('appInfo')).toBe(true);
    expect(isApiMethod('toString')).toBe(false);
    expect(isApiMethod(42)).toBe(false);
  });
});

describe('results', () => {
  it('builds and recognises both shapes', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    expect(fail('not-found', 'no such image')).toEqual({
      ok: false,
      error: { kind: 'not-found', message: 'no such image' },
    });
    expect(isResult(ok(undefined))).toBe(true);
    expect(isResult(fail('internal', 'x'))).toBe(true);
  });

  it('rejects malformed envelopes', () => {
    for (const value of [
      null,
      undefined,
      'ok',
      {},
      { ok: true },
      { ok: 'yes', value: 1 },
      { ok: false },
      { ok: false, error: 'boom' },
      { ok: false, error: { kind: 'weird', message: 'x' } },
      { ok: false, error: { kind: 'internal' } },
    ]) {
      expect(isResult(value), JSON.stringify(value)).toBe(false);
    }
  });

  it('has readable error kinds', () => {
    for (const kind of ERROR_KINDS) {
      expect(kind).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(isErrorKind(kind)).toBe(true);
    }
    expect(isErrorKind('Forbidden')).toBe(false);
  });
});

describe('errors', () => {
  it('maps thrown values to error data', () => {
    expect(toApiError(new CallError('conflict', 'an audit is running'))).toEqual({
      kind: 'conflict',
      message: 'an audit is running',
    });
    expect(toApiError(new Error('disk full'))).toEqual({ kind: 'internal', message: 'disk full' });
    expect(toApiError('plain string')).toEqual({ kind: 'internal', message: 'plain string' });
  });

  it('reports schema failures as invalid input, naming the field', () => {
    const parsed = z.object({ size: z.number() }).safeParse({ size: 'big' });
    expect(parsed.success).toBe(false);
    const error = toApiError(parsed.error);
    expect(error.kind).toBe('invalid-input');
    expect(error.message).toMatch(/^size: /);
  });

  it('rebuilds a failure naming the call, with a kind that survives a message-only copy', () => {
    const error = callError('appInfo', { kind: 'forbidden', message: 'not our window' });
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe('forbidden');
    expect(error.message).toBe('appInfo failed [forbidden]: not our window');
    expect(errorKindOf(error)).toBe('forbidden');
    expect(errorKindOf(new Error(error.message))).toBe('forbidden');
    expect(errorKindOf(new Error('something else'))).toBeUndefined();
    expect(errorKindOf('appInfo failed [forbidden]: x')).toBeUndefined();
  });
});

describe('schemas', () => {
  it('checks app info', () => {
    const info = { name: 'biascope', version: '0.1.0', node: '22.0.0', electron: null };
    expect(AppInfoSchema.parse(info)).toEqual(info);
    expect(() => AppInfoSchema.parse({ ...info, name: '' })).toThrow();
    expect(() => AppInfoSchema.parse({ ...info, extra: 1 })).toThrow();
  });

  it('takes no arguments for appInfo', () => {
    expect(API_SCHEMAS.appInfo.args.safeParse([]).success).toBe(true);
    expect(API_SCHEMAS.appInfo.args.safeParse(['x']).success).toBe(false);
  });
});
