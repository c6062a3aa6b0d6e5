/**
 * Pages of tile data over an ordered list of ids, fetched on demand for the range
 * the grid shows. Framework-free and DOM-free.
 *
 * - A page is fetched once: a page in flight is not asked for again.
 * - At most MAX_IN_FLIGHT fetches run at once, old queries included, so the
 *   backend never sees a burst.
 * - `want` replaces what was wanted before: during a fast scroll the queue holds
 *   only pages of the latest range, and nothing the user has scrolled past.
 * - `setIds` and `invalidate` start a new generation: replies to earlier requests
 *   are dropped when they arrive.
 * - Beyond `maxPages`, the page least recently wanted is evicted.
 */

/** Concurrent fetches: one for the page on screen, one for the next. */
const MAX_IN_FLIGHT = 2;

export interface TileSourceOptions<T> {
  /** Items for these ids, in the same order. */
  fetch(ids: number[]): Promise<T[]>;
  pageSize?: number;
  maxPages?: number;
  /** Data for indices firstIndex..lastIndex (inclusive) arrived or changed. */
  onLoad?(firstIndex: number, lastIndex: number): void;
  /** A fetch failed; the page stays missing and the next `want` asks again. */
  onError?(error: unknown): void;
}

export class TileSource<T extends object> {
  readonly pageSize: number;
  readonly maxPages: number;
  private ids: readonly number[] = [];
  private generation = 0;
  /** Map order is recency: a wanted page is re-inserted at the end. */
  private readonly pages = new Map<number, T[]>();
  /** Pages kept on screen after `invalidate` until their fresh copy arrives. */
  private readonly stale = new Set<number>();
  /** Pages of the current generation being fetched. */
  private readonly loading = new Set<number>();
  /** Fetches of any generation not yet settled. */
  private inFlight = 0;
  private queue: number[] = [];
  private lastWanted: [number, number] | undefined;

  constructor(private readonly options: TileSourceOptions<T>) {
    this.pageSize = options.pageSize ?? 120;
    this.maxPages = options.maxPages ?? 60;
    if (!(this.pageSize >= 1 && this.maxPages >= 1)) {
      const got = `${this.pageSize} and ${this.maxPages}`;
      throw new Error(`TileSource: pageSize and maxPages must be at least 1, got ${got}`);
    }
  }

  get length(): number {
    return this.ids.length;
  }

  idAt(index: number): number | undefined {
    return this.ids[index];
  }

  /** A new ordered list (a new query): everything cached is dropped. */
  setIds(ids: readonly number[]): void {
    this.ids = ids;
    this.pages.clear();
    this.stale.clear();
    this.lastWanted = undefined;
    this.newGeneration();
  }

  /**
   * More ids for the same order (a first screen, then the whole list): cached pages
   * stay. Anything but an extension of the current ids is a new list (`setIds`).
   */
  extendIds(ids: readonly number[]): void {
    const old = this.ids;
    const extends_ = old.length <= ids.length && old.every((id, i) => ids[i] === id);
    if (!extends_) {
      this.setIds(ids);
      return;
    }
    // A last page cut short by the old list lacks items the new one has.
    if (old.length % this.pageSize !== 0) this.pages.delete(Math.floor(old.length / this.pageSize));
    this.ids = ids;
    if (this.lastWanted) this.want(...this.lastWanted);
  }

  /** The cached item, possibly stale after `invalidate`, or undefined if not loaded. */
  get(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Loads the pages covering firstIndex..lastIndex (inclusive) that are missing or stale. */
  want(firstIndex: number, lastIndex: number): void {
    this.lastWanted = [firstIndex, lastIndex];
    const first = Math.max(0, Math.floor(firstIndex / this.pageSize));
    const last = Math.min(Math.ceil(this.ids.length / this.pageSize) - 1, Math.floor(lastIndex / this.pageSize));
    this.queue = [];
    for (let page = first; page <= last; page++) {
      const items = this.pages.get(page);
      if (items) {
        this.pages.delete(page);
        this.pages.set(page, items);
      }
      if ((!items || this.stale.has(page)) && !this.loading.has(page)) this.queue.push(page);
    }
    this.pump();
  }

  /** Changes one cached item in place (an edit the backend already made). */
  update(index: number, patch: Partial<T>): void {
    const items = this.pages.get(Math.floor(index / this.pageSize));
    const offset = index % this.pageSize;
    const item = items?.[offset];
    if (!items || !item) return;
    items[offset] = { ...item, ...patch };
    this.options.onLoad?.(index, index);
  }

  /**
   * The backend's data changed (tags, new results): cached pages stay readable
   * but are re-fetched, starting with the last wanted range; pages outside it are
   * re-fetched when next wanted.
   */
  invalidate(): void {
    for (const page of this.pages.keys()) this.stale.add(page);
    this.newGeneration();
    if (this.lastWanted) this.want(...this.lastWanted);
  }

  private newGeneration(): void {
    this.generation++;
    this.loading.clear();
    this.queue = [];
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      void this.load(this.queue.shift()!);
    }
  }

  private async load(page: number): Promise<void> {
    const generation = this.generation;
    const start = page * this.pageSize;
    const ids = this.ids.slice(start, start + this.pageSize);
    this.loading.add(page);
    this.inFlight++;
    let items: T[] | undefined;
    let failure: unknown;
    try {
      items = await this.options.fetch(ids);
      if (items.length !== ids.length) {
        failure = new Error(`TileSource: fetch returned ${items.length} items for ${ids.length} ids (page ${page})`);
      }
    } catch (error) {
      failure = error ?? new Error(`TileSource: fetch of page ${page} failed`);
    }
    this.inFlight--;
    const current = generation === this.generation;
    if (current) {
      this.loading.delete(page);
      if (failure === undefined && items) this.store(page, items);
    }
    // The next page starts before callbacks run, so a throwing callback cannot stall the queue.
    this.pump();
    if (!current) return;
    if (failure !== undefined) this.options.onError?.(failure);
    else if (items) this.options.onLoad?.(start, start + items.length - 1);
  }

  private store(page: number, items: T[]): void {
    this.pages.delete(page);
    this.pages.set(page, items);
    this.stale.delete(page);
    for (const oldest of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) break;
      this.pages.delete(oldest);
      this.stale.delete(oldest);
    }
  }
}
