/**
 * Summaries computed from results (per-class accuracy and focus, a dataset's
 * overview) cost a pass over every image: on 100,000 images, half a second. They
 * change only when results are written or a dataset is re-scanned, so they are kept
 * until then. Tag counts are not cached: they are cheap and change at every key press.
 */
export class ResultCache {
  private readonly entries = new Map<string, unknown>();

  /** Results or images changed: everything computed from them is stale. */
  invalidate(): void {
    this.entries.clear();
  }

  get<T>(key: string, compute: () => T): T {
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = compute();
    this.entries.set(key, value);
    return value;
  }
}
