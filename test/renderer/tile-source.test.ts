import { describe, expect, it } from 'vitest';
import { TileSource } from '../../src/renderer/src/grid/tile-source';

interface Tile {
  id: number;
  label: string;
}

interface Call {
  ids: number[];
  resolve(items: Tile[]): void;
  reject(error: unknown): void;
}

/** A fetch whose replies the test sends, in any order. */
function harness(options: { pageSize?: number; maxPages?: number; label?: string } = {}) {
  const calls: Call[] = [];
  const loads: [number, number][] = [];
  const errors: unknown[] = [];
  const source = new TileSource<Tile>({
    pageSize: options.pageSize ?? 10,
    maxPages: options.maxPages,
    fetch: (ids) => new Promise((resolve, reject) => calls.push({ ids, resolve, reject })),
    onLoad: (first, last) => loads.push([first, last]),
    onError: (error) => errors.push(error),
  });
  const reply = async (call: Call | undefined, label = 'v1') => {
    call!.resolve(call!.ids.map((id) => ({ id, label })));
    await settle();
  };
  return { source, calls, loads, errors, reply };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const firstIds = (calls: Call[]) => calls.map((call) => call.ids[0]);

describe('TileSource', () => {
  it('fetches the pages covering a range and serves their items', async () => {
    const { source, calls, loads, reply } = harness();
    source.setIds(range(35, 1000));
    source.want(5, 14);
    expect(calls.map((call) => call.ids)).toEqual([range(10, 1000), range(10, 1010)]);
    expect(source.get(5)).toBeUndefined();
    await reply(calls[0]);
    await reply(calls[1]);
    expect(source.get(5)).toEqual({ id: 1005, label: 'v1' });
    expect(source.get(14)?.id).toBe(1014);
    expect(loads).toEqual([[0, 9], [10, 19]]);
  });

  it('extends a first screen of ids keeping whole pages, and fetches the cut page again', async () => {
    const { source, calls, reply } = harness();
    source.setIds(range(15, 100));
    source.want(0, 14);
    await reply(calls[0]);
    await reply(calls[1]);
    expect(source.get(14)).toEqual({ id: 114, label: 'v1' });
    source.extendIds(range(30, 100));
    expect(source.get(0)).toEqual({ id: 100, label: 'v1' });
    expect(source.get(14)).toBeUndefined();
    expect(calls.at(-1)!.ids).toEqual(range(10, 110));
    // Not an extension: a new list, nothing kept.
    source.extendIds(range(30, 500));
    expect(source.get(0)).toBeUndefined();
  });

  it('asks for the short last page with only the ids that exist', async () => {
    const { source, calls, reply } = harness();
    source.setIds(range(35));
    source.want(30, 200);
    expect(calls.map((call) => call.ids)).toEqual([range(5, 30)]);
    await reply(calls[0]);
    expect(source.get(34)?.id).toBe(34);
    expect(source.get(35)).toBeUndefined();
  });

  it('does not fetch a page again while it is in flight or cached', async () => {
    const { source, calls, reply } = harness();
    source.setIds(range(100));
    source.want(0, 5);
    source.want(2, 9);
    expect(calls).toHaveLength(1);
    await reply(calls[0]);
    source.want(0, 9);
    expect(calls).toHaveLength(1);
  });

  it('keeps at most two fetches in flight and serves the newest range first', async () => {
    const { source, calls, reply } = harness();
    source.setIds(range(1000));
    source.want(0, 29);
    expect(firstIds(calls)).toEqual([0, 10]);
    // The user scrolled on: pages 2.. were never started, and page 50 is what they see now.
    source.want(200, 209);
    source.want(500, 509);
    expect(calls).toHaveLength(2);
    await reply(calls[0]);
    await reply(calls[1]);
    expect(firstIds(calls)).toEqual([0, 10, 500]);
    expect(source.get(20)).toBeUndefined();
    expect(source.get(0)?.id).toBe(0);
  });

  it('drops replies to an earlier list of ids', async () => {
    const { source, calls, loads, reply } = harness();
    source.setIds(range(50));
    source.want(0, 9);
    source.setIds(range(50, 5000));
    source.want(0, 9);
    expect(calls.map((call) => call.ids[0])).toEqual([0, 5000]);
    await reply(calls[0], 'old');
    expect(source.get(0)).toBeUndefined();
    expect(loads).toEqual([]);
    await reply(calls[1], 'new');
    expect(source.get(0)).toEqual({ id: 5000, label: 'new' });
  });

  it('counts replies still owed to an earlier list against the two in flight', async () => {
    const { source, calls, reply } = harness();
    source.setIds(range(50));
    source.want(0, 19);
    source.setIds(range(50, 5000));
    source.want(0, 9);
    expect(calls).toHaveLength(2);
    await reply(calls[0]);
    expect(firstIds(calls)).toEqual([0, 10, 5000]);
  });

  it('evicts the least recently wanted page beyond maxPages', async () => {
    const { source, calls, reply } = harness({ maxPages: 3 });
    source.setIds(range(100));
    for (const page of [0, 1, 2]) {
      source.want(page * 10, page * 10);
      await reply(calls.at(-1));
    }
    source.want(0, 0); // page 0 is used again: page 1 is now the oldest
    source.want(30, 30);
    await reply(calls.at(-1));
    expect(source.get(0)).toBeDefined();
    expect(source.get(10)).toBeUndefined();
    expect(source.get(20)).toBeDefined();
    expect(source.get(30)).toBeDefined();
    source.want(10, 10);
    expect(calls.at(-1)?.ids[0]).toBe(10);
  });

  it('reports a failed fetch and retries on the next want', async () => {
    const { source, calls, errors, reply } = harness();
    source.setIds(range(20));
    source.want(0, 9);
    calls[0]!.reject(new Error('store closed'));
    await settle();
    expect(errors).toEqual([new Error('store closed')]);
    expect(source.get(0)).toBeUndefined();
    source.want(0, 9);
    expect(calls).toHaveLength(2);
    await reply(calls[1]);
    expect(source.get(0)?.id).toBe(0);
  });

  it('treats a reply of the wrong length as a failure', async () => {
    const { source, calls, errors } = harness();
    source.setIds(range(20));
    source.want(0, 9);
    calls[0]!.resolve([{ id: 0, label: 'v1' }]);
    await settle();
    expect(String(errors[0])).toMatch(/fetch returned 1 items for 10 ids \(page 0\)/);
    expect(source.get(0)).toBeUndefined();
  });

  it('update patches one cached item and reports it', async () => {
    const { source, calls, loads, reply } = harness();
    source.setIds(range(20));
    source.want(0, 9);
    await reply(calls[0]);
    source.update(3, { label: 'tagged' });
    expect(source.get(3)).toEqual({ id: 3, label: 'tagged' });
    expect(source.get(4)?.label).toBe('v1');
    expect(loads.at(-1)).toEqual([3, 3]);
    source.update(15, { label: 'not loaded' });
    expect(source.get(15)).toBeUndefined();
  });

  it('invalidate keeps showing cached items while it re-fetches the last range', async () => {
    const { source, calls, loads, reply } = harness();
    source.setIds(range(100));
    source.want(0, 9);
    await reply(calls[0]);
    source.want(50, 59);
    await reply(calls[1]);
    source.invalidate();
    expect(firstIds(calls)).toEqual([0, 50, 50]);
    expect(source.get(55)?.label).toBe('v1');
    await reply(calls[2], 'v2');
    expect(source.get(55)?.label).toBe('v2');
    expect(loads.at(-1)).toEqual([50, 59]);
    // Page 0 is re-fetched once it is wanted again, and served stale until then.
    expect(source.get(0)?.label).toBe('v1');
    source.want(0, 9);
    expect(firstIds(calls)).toEqual([0, 50, 50, 0]);
  });

  it('invalidate drops a reply fetched before the change', async () => {
    const { source, calls, reply } = harness();
    source.setIds(range(20));
    source.want(0, 9);
    source.invalidate();
    expect(calls).toHaveLength(2);
    await reply(calls[0], 'before');
    expect(source.get(0)).toBeUndefined();
    await reply(calls[1], 'after');
    expect(source.get(0)?.label).toBe('after');
  });
});
