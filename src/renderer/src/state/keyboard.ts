/**
 * Keyboard-first review. In the grid: arrows or h/j/k/l move, Enter opens, Space or x
 * selects, 1-9 toggle the palette's tags on the selection (or the current image), f
 * flags, u undoes, a selects all loaded, Escape clears. In the detail view: arrows and
 * j/k step, Escape closes. Keys typed into a field are left alone.
 */
import { FLAG_TAG } from '../../../shared/views';
import type { GridApi } from '../components/grid/grid-api';
import type { AppState } from './app-state.svelte';

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function move(app: AppState, grid: GridApi, delta: number): void {
  if (app.ids.length === 0) return;
  app.cursor = Math.min(Math.max(app.cursor + delta, 0), app.ids.length - 1);
  grid.scrollTo(app.cursor);
  if (app.detailId !== null) app.detailId = app.ids[app.cursor] ?? app.detailId;
}

/** The images a tag key acts on: the selection, else the image under the cursor. */
function targets(app: AppState, grid: GridApi): Map<number, readonly string[]> {
  const tags = new Map<number, readonly string[]>();
  if (app.selected.size > 0 && app.detailId === null) {
    for (let i = 0; i < app.ids.length && tags.size < app.selected.size; i++) {
      const tile = grid.tileAt(i);
      if (tile && app.selected.has(tile.id)) tags.set(tile.contentId, tile.tags);
    }
    // Selected tiles no longer loaded still get the tag; their current tags are unknown.
    for (const contentId of app.selected.values()) if (!tags.has(contentId)) tags.set(contentId, []);
    return tags;
  }
  const tile = grid.tileAt(app.cursor);
  if (tile) tags.set(tile.contentId, tile.tags);
  return tags;
}

/** Toggles a tag: removed when every target has it, added otherwise. */
export async function toggleTag(app: AppState, grid: GridApi, tag: string): Promise<void> {
  const current = targets(app, grid);
  if (current.size === 0) return;
  const all = [...current.values()].every((tags) => tags.includes(tag));
  app.history.remember(current);
  await app.applyTags({ contentIds: [...current.keys()], add: all ? [] : [tag], remove: all ? [tag] : [] });
}

export function handleKey(event: KeyboardEvent, app: AppState, grid: GridApi): void {
  if (typing(event.target) || event.altKey || event.metaKey || event.ctrlKey) return;
  // The cluster and concept views may have opened an image over themselves: Escape closes the image first.
  if (app.showClusters || app.showConcepts) {
    if (event.key === 'Escape') {
      if (app.detailId !== null) app.detailId = null;
      else app.showClusters = app.showConcepts = false;
    }
    return;
  }
  // The review queue handles its own keys.
  if (app.showReview) return;
  if (app.showStart || app.showSubgroups || app.showCompare || app.showExport) {
    if (event.key === 'Escape') app.showStart = app.showSubgroups = app.showCompare = app.showExport = false;
    return;
  }
  const columns = app.detailId === null ? grid.columns() : 1;
  const key = event.key;
  let handled = true;
  if (key === 'ArrowRight' || key === 'l') move(app, grid, 1);
  else if (key === 'ArrowLeft' || key === 'h') move(app, grid, -1);
  else if (key === 'ArrowDown' || key === 'j') move(app, grid, app.detailId === null ? columns : 1);
  else if (key === 'ArrowUp' || key === 'k') move(app, grid, app.detailId === null ? -columns : -1);
  else if (key === 'Enter') app.detailId = app.ids[app.cursor] ?? null;
  else if (key === 'Escape') {
    if (app.detailId !== null) app.detailId = null;
    else app.selected.clear();
  } else if (key === ' ' || key === 'x') {
    const tile = grid.tileAt(app.cursor);
    if (tile) {
      if (app.selected.has(tile.id)) app.selected.delete(tile.id);
      else app.selected.set(tile.id, tile.contentId);
    }
  } else if (key === 'f') void toggleTag(app, grid, FLAG_TAG);
  else if (key === 'u') void app.undo();
  else if (/^[1-9]$/.test(key)) {
    const tag = app.palette[Number(key) - 1];
    if (tag) void toggleTag(app, grid, tag);
  } else if (key === 'o') app.toggleOverlay();
  else if (key === 'c') app.nextColormap();
  else handled = false;
  if (handled) event.preventDefault();
}
