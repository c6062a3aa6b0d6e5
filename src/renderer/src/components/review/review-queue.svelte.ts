/**
 * The review queue's state: the suggestions of an audit, the one on screen, and the
 * decisions taken, saved at once and undoable in the order they were taken.
 */
import type { Decision, SpuriousRules, SuggestionList } from '../../../../shared/suggestions';
import type { AuditKey } from '../../../../shared/views';
import type { AppState } from '../../state/app-state.svelte';

export class ReviewQueue {
  list = $state<SuggestionList | null>(null);
  at = $state(0);
  error = $state<string | null>(null);
  /** Decisions taken here, newest last: [content id, decision before]. */
  private readonly taken: [number, Decision | null][] = [];
  /** Keys typed faster than the saves: each action waits for the one before, so it acts on the image it was typed for. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly app: AppState,
    private readonly key: AuditKey,
  ) {}

  get current() {
    return this.list?.items[this.at] ?? null;
  }

  async load(): Promise<void> {
    try {
      this.list = await this.app.client.api.suggestions({ key: this.key });
      this.at = 0;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  async setRules(rules: SpuriousRules): Promise<void> {
    const saved = await this.app.attempt('Saving the region roles', () =>
      this.app.client.api.setSpuriousRules({ datasetId: this.key.datasetId, rules }),
    );
    if (saved) await this.load();
  }

  /** Runs actions one after another, in the order they were asked for. */
  queue(action: () => unknown): Promise<unknown> {
    this.pending = this.pending.then(action, action);
    return this.pending;
  }

  step(delta: number): void {
    const count = this.list?.items.length ?? 0;
    if (count > 0) this.at = Math.min(Math.max(this.at + delta, 0), count - 1);
  }

  /** Whether suggestions beyond those loaded exist (the queue loads them as it gets there). */
  get more(): boolean {
    return this.list !== null && this.list.total > this.list.items.length;
  }

  /** Decides the suggestion on screen and moves to the next undecided one. */
  async decide(decision: Decision | null, record = true): Promise<void> {
    const item = this.current;
    if (!item || !this.list) return;
    const before = item.decision;
    if (before === decision) return this.next();
    const tags = await this.app.attempt('Saving the decision', () =>
      this.app.client.api.decideSuggestions({ key: this.key, contentIds: [item.contentId], decision }),
    );
    if (!tags) return;
    if (record) this.taken.push([item.contentId, before]);
    item.decision = decision;
    this.shift(before, decision);
    this.app.onTagsSaved(tags);
    void this.app.refreshCounts();
    if (decision !== null) await this.next();
  }

  /** Takes back the last decision and shows its image again. */
  async undo(): Promise<void> {
    const last = this.taken.pop();
    const index = last ? (this.list?.items.findIndex((item) => item.contentId === last[0]) ?? -1) : -1;
    if (!last || index < 0) return;
    this.at = index;
    await this.decide(last[1], false);
    this.at = index;
  }

  /**
   * The next undecided suggestion after the current one, wrapping round. When none of
   * those loaded is left but more are undecided, the next page comes (undecided first).
   */
  private async next(): Promise<void> {
    const items = this.list?.items ?? [];
    for (let step = 1; step <= items.length; step++) {
      const index = (this.at + step) % items.length;
      if (items[index]!.decision === null) {
        this.at = index;
        return;
      }
    }
    if (this.list && this.list.pending > 0 && this.list.total > items.length) await this.load();
  }

  /** Counts are over every suggestion, loaded or not: moved by each decision rather than recounted. */
  private shift(before: Decision | null, after: Decision | null): void {
    if (!this.list) return;
    const field = { accepted: 'accepted', rejected: 'rejected', null: 'pending' } as const;
    this.list[field[`${before}`]]--;
    this.list[field[`${after}`]]++;
  }
}
