/**
 * The maps of one image for any method and class: stored ones at once, the others
 * computed on demand, a few at a time, and kept until the image changes.
 */
import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import type { BiascopeApi } from '../../../../shared/api';
import type { MethodName } from '../../../../shared/explain';
import type { AuditKey, ImageDetail, WireMap } from '../../../../shared/views';
import { messageOf, reasonOf } from './format';

export type MapEntry =
  | { status: 'loading' }
  | { status: 'ready'; map: WireMap; note: string | null; source: 'stored' | 'computed' }
  | { status: 'error'; reason: string; message: string };

/** Maps computed at once: each takes up to seconds, and the back end shares one model. */
const CONCURRENCY = 2;

function entryId(method: MethodName, target: string): string {
  return `${method}\u0000${target}`;
}

export class ClassMapStore {
  readonly #entries = new SvelteMap<string, MapEntry>();
  #queue: { method: MethodName; target: string }[] = [];
  #running = 0;
  #disposed = false;
  readonly #api: BiascopeApi;
  readonly #key: AuditKey;
  readonly #imageId: number;

  constructor(api: BiascopeApi, key: AuditKey, detail: ImageDetail) {
    this.#api = api;
    this.#key = key;
    this.#imageId = detail.id;
    for (const { target, map } of detail.maps) {
      this.#entries.set(entryId(key.method, target), { status: 'ready', map, note: null, source: 'stored' });
    }
  }

  /** Undefined while the map waits its turn. */
  get(method: MethodName, target: string): MapEntry | undefined {
    return this.#entries.get(entryId(method, target));
  }

  /**
   * Asks for these maps, in order. Requests still waiting for other maps are dropped:
   * only what is on screen is worth computing.
   */
  want(method: MethodName, targets: readonly string[]): void {
    untrack(() => {
      this.#queue = targets
        .filter((target) => !this.#entries.has(entryId(method, target)))
        .map((target) => ({ method, target }));
      this.#pump();
    });
  }

  /** Stops computing: maps in flight still arrive, but nothing new starts. */
  dispose(): void {
    this.#disposed = true;
    this.#queue = [];
  }

  #pump(): void {
    while (!this.#disposed && this.#running < CONCURRENCY && this.#queue.length > 0) {
      const { method, target } = this.#queue.shift()!;
      const id = entryId(method, target);
      if (this.#entries.has(id)) continue;
      this.#entries.set(id, { status: 'loading' });
      this.#running++;
      this.#api
        .explainImage({ key: this.#key, imageId: this.#imageId, method, target })
        .then(
          (explanation) => {
            this.#entries.set(id, { status: 'ready', map: explanation.map, note: explanation.note, source: 'computed' });
          },
          (error: unknown) => {
            this.#entries.set(id, { status: 'error', reason: reasonOf(error), message: messageOf(error) });
          },
        )
        .finally(() => {
          this.#running--;
          this.#pump();
        });
    }
  }
}
