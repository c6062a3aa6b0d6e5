/**
 * Summaries computed from results (per-class accuracy and focus, a dataset's
 * overview) cost a pass over every image: on 100,000 images, half a second. They
 * change only when results are written or a dataset is re-scanned, so they are kept
 * until then, and so are grid orders that do not depend on tags. Tag counts are not
 * cached: they are cheap and change at every key press.
 */
export class ResultCache {
  private readonly entries = new Map<string, unknown>();

  /** At most this many entries; the least recently read goes first (grid orders can be large). */
  constructor(private readonly maxEntries = 64) {}

  /** Results or images changed: everything computed from them is stale. */
  invalidate(): void {
    this.entries.clear();
  }

  get<T>(key: string, compute: () => T): T {
    if (this.entries.has(key)) {
      const value = this.entries.get(key) as T;
      // Map order is recency: re-inserting marks the entry as the most recent.
      this.entries.delete(key);
      this.entries.set(key, value);
      return value;
    }
    const value = compute();
    this.entries.set(key, value);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}
