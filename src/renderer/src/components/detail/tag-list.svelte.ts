/**
 * The tags of one image, changed optimistically: the list changes at once and a
 * failed save puts back exactly what it changed, leaving later changes alone.
 */
import { messageOf } from './format';

export type SaveTags = (contentId: number, add: string[], remove: string[]) => Promise<void>;

export class TagList {
  tags = $state<string[]>([]);
  /** Why the last change did not stick; cleared by the next change. */
  error = $state<string | null>(null);
  /** Saves in flight. */
  saving = $state(0);
  readonly #contentId: number;

  constructor(contentId: number, tags: readonly string[]) {
    this.#contentId = contentId;
    this.tags = [...tags];
  }

  has(tag: string): boolean {
    return this.tags.includes(tag);
  }

  add(tag: string, save: SaveTags): Promise<void> {
    const name = tag.trim();
    if (!name || this.has(name)) return Promise.resolve();
    return this.#change([name], [], save);
  }

  remove(tag: string, save: SaveTags): Promise<void> {
    if (!this.has(tag)) return Promise.resolve();
    return this.#change([], [tag], save);
  }

  toggle(tag: string, save: SaveTags): Promise<void> {
    return this.has(tag) ? this.remove(tag, save) : this.add(tag, save);
  }

  async #change(add: string[], remove: string[], save: SaveTags): Promise<void> {
    this.error = null;
    this.#apply(add, remove);
    this.saving++;
    try {
      await save(this.#contentId, add, remove);
    } catch (error) {
      this.#apply(remove, add);
      const what = add.length ? `add “${add.join(', ')}”` : `remove “${remove.join(', ')}”`;
      this.error = `Could not ${what}: ${messageOf(error)}`;
    } finally {
      this.saving--;
    }
  }

  #apply(add: readonly string[], remove: readonly string[]): void {
    const kept = this.tags.filter((tag) => !remove.includes(tag));
    this.tags = [...kept, ...add.filter((tag) => !kept.includes(tag))];
  }
}
