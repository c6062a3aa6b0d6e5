/**
 * Undo for tagging. An edit is recorded with what it really changed (adding a tag an
 * image already had changes nothing), so undoing it restores exactly the state before.
 */
export interface TagEdit {
  contentIds: readonly number[];
  add: readonly string[];
  remove: readonly string[];
}

const MAX_UNDO = 200;

export class TagHistory {
  /** Each step is the edits that undo one user action, grouped by what they change. */
  private readonly stack: TagEdit[][] = [];
  /** Tags before an edit, by content id, captured by the caller from the tiles it shows. */
  private before = new Map<number, readonly string[]>();

  /** Called before an edit with each image's current tags, so the inverse can be exact. */
  remember(tags: ReadonlyMap<number, readonly string[]>): void {
    this.before = new Map(tags);
  }

  push(edit: TagEdit, after: readonly { contentId: number }[]): void {
    // The inverse removes what was added where it was absent, and adds back what was removed where present.
    const groups = new Map<string, TagEdit & { contentIds: number[] }>();
    for (const { contentId } of after) {
      const had = new Set(this.before.get(contentId) ?? []);
      const add = edit.remove.filter((t) => had.has(t));
      const remove = edit.add.filter((t) => !had.has(t));
      if (add.length === 0 && remove.length === 0) continue;
      const signature = JSON.stringify([add, remove]);
      const group = groups.get(signature) ?? { contentIds: [], add, remove };
      group.contentIds.push(contentId);
      groups.set(signature, group);
    }
    this.before = new Map();
    if (groups.size === 0) return;
    this.stack.push([...groups.values()]);
    if (this.stack.length > MAX_UNDO) this.stack.shift();
  }

  /** The edits undoing the last action, or undefined when there is nothing to undo. */
  popInverse(): TagEdit[] | undefined {
    return this.stack.pop();
  }
}
