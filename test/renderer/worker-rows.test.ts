/** The workers a queued audit's progress lists, and the start panel's queue fields. */
import { describe, expect, it } from 'vitest';
import type { WorkerPresence } from '../../src/shared/audit';
import { queueField, workerCommand, workerRows } from '../../src/renderer/src/components/chrome/worker-rows';

const worker = (id: string, host: string, pid: number, lastSeenSeconds = 1): WorkerPresence => ({
  id,
  host,
  pid,
  concurrency: 2,
  backend: 'wasm (SIMD)',
  images: 10,
  imagesPerSecond: 5,
  lastSeenSeconds,
});

describe('the workers of a queued audit', () => {
  it('are named by host, with the pid only where a host runs several, sorted, stale when silent', () => {
    const rows = workerRows([worker('c', 'gpu-box', 7), worker('a', 'laptop', 30), worker('b', 'laptop', 12, 15)]);
    expect(rows.map((r) => r.name)).toEqual(['gpu-box', 'laptop:12', 'laptop:30']);
    expect(rows.map((r) => r.stale)).toEqual([false, true, false]);
    expect(rows[0]).toMatchObject({ key: 'c', threads: 2, images: 10, imagesPerSecond: 5, backend: 'wasm (SIMD)' });
    expect(workerRows([])).toEqual([]);
  });
});

describe('the queue fields of the start panel', () => {
  it('are nothing when empty, settings when a Redis address, the contract message otherwise', () => {
    expect(queueField('  ', true)).toEqual({ settings: null, error: null });
    expect(queueField(' redis://h:6379 ', true)).toEqual({ settings: { url: 'redis://h:6379', sharedFs: true }, error: null });
    expect(queueField('redis://h:6379', false).settings).toEqual({ url: 'redis://h:6379' });
    expect(queueField('http://h:6379', false)).toEqual({ settings: null, error: 'a Redis address such as redis://host:6379' });
    expect(workerCommand('redis://h:1')).toBe('biascope worker --queue redis://h:1');
  });
});
