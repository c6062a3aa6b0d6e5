/**
 * A virtualised grid: a fixed pool of absolutely positioned tile elements inside a
 * scroll viewport, moved with transforms and re-bound to whichever indices are in
 * view. The DOM never holds one element per item, and scrolling creates none: the
 * pool grows only to the largest number of tiles ever on screen at once.
 * The geometry lives in layout.ts; this class only reads the scroll position and
 * writes transforms.
 */
import {
  EMPTY_RANGE,
  gridLayout,
  offsetOfIndex,
  positionOf,
  visibleRange,
  type GridLayout,
  type ScrollAlign,
  type VisibleRange,
} from './layout';

/** 'fast' while scrolling faster than the eye can follow: skip decoding and painting. */
export type RenderMode = 'full' | 'fast';

export interface VirtualGridOptions {
  count: number;
  minTileWidth: number;
  gap: number;
  captionHeight: number;
  overscanRows: number;
  createTile(): HTMLElement;
  renderTile(el: HTMLElement, index: number, mode: RenderMode): void;
  /** The element leaves `index` (to be reused for another, or at destroy). */
  releaseTile?(el: HTMLElement, index: number): void;
}

/** Idle time after the last scroll event before fast-rendered tiles are rendered fully. */
const SETTLE_MS = 120;
/**
 * A frame that moves more than this many viewport heights replaces every tile on
 * screen, and if the scroll goes on they are replaced again next frame: decoding
 * them would be wasted. Counted per frame drawn, so a frame that came late (which
 * moved further) counts as fast and the next one is cheaper.
 */
const FAST_VIEWPORTS_PER_FRAME = 1;

export class VirtualGrid {
  /** The scrolling element: attach keyboard handlers and focus here. */
  readonly viewport: HTMLDivElement;
  private readonly sizer: HTMLDivElement;
  private currentLayout: GridLayout;
  private range: VisibleRange = EMPTY_RANGE;
  private viewportHeight = 0;
  private readonly bound = new Map<number, HTMLElement>();
  private readonly free: HTMLElement[] = [];
  /** Bound indices last rendered 'fast', to render fully once scrolling settles. */
  private readonly fastIndices = new Set<number>();
  private fast = false;
  private lastScrollTop = 0;
  private frame = 0;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(range: VisibleRange, mode: RenderMode) => void>();
  private readonly resizeObserver: ResizeObserver;

  /**
   * The viewport fills `container`, which must have a height of its own. Tiles get
   * `data-index`, so one listener on `viewport` can handle clicks on all of them.
   */
  constructor(
    container: HTMLElement,
    private readonly options: VirtualGridOptions,
  ) {
    this.viewport = document.createElement('div');
    // `contain: strict` keeps tile layout from invalidating anything outside. An opaque
    // background and `will-change` let Chromium scroll the content on the compositor: a
    // transparent scroller on a 1x screen is repainted on the main thread every frame
    // (to keep LCD text), which cost ~14 ms a frame here.
    this.viewport.style.cssText =
      'position:relative;overflow-y:auto;overflow-x:hidden;height:100%;contain:strict;' +
      'background:var(--paper, #fff);will-change:scroll-position';
    // The sizer gives the scroll height. Chromium caps an element at about 33.5M px,
    // which 100,000 tiles reach only in a single column of 335 px rows.
    this.sizer = document.createElement('div');
    this.sizer.style.cssText = 'position:absolute;top:0;left:0;width:1px;pointer-events:none';
    this.viewport.append(this.sizer);
    container.append(this.viewport);
    this.currentLayout = this.computeLayout(options.count);
    this.viewport.addEventListener('scroll', this.onScroll, { passive: true });
    // Fires once after observe() too, which gives the first layout and paint.
    this.resizeObserver = new ResizeObserver(() => this.onResize());
    this.resizeObserver.observe(this.viewport);
  }

  get layout(): GridLayout {
    return this.currentLayout;
  }

  visibleRange(): VisibleRange {
    return this.range;
  }

  /**
   * Calls `cb` with each new rendered range (overscan included), e.g. to prefetch its
   * data, and the mode its tiles were rendered in; once a fast scroll settles, again
   * with the range it stopped on in 'full'.
   */
  onRangeChange(cb: (range: VisibleRange, mode: RenderMode) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Tiles keep their index; call refresh() as well if the items behind the indices changed. */
  setCount(count: number): void {
    this.currentLayout = this.computeLayout(count);
    this.update(false);
  }

  /** Re-renders every bound tile fully (a new colormap, threshold, or query). */
  refresh(): void {
    for (const [index, el] of this.bound) this.render(el, index, 'full');
  }

  /** Re-renders one tile if it is bound (its data arrived or changed). */
  refreshIndex(index: number): void {
    const el = this.bound.get(index);
    if (el) this.render(el, index, this.fast ? 'fast' : 'full');
  }

  /** A new smallest tile width (the tile-size control): tiles re-lay out, the first visible image stays in view. */
  setMinTileWidth(width: number): void {
    if (width === this.options.minTileWidth) return;
    this.options.minTileWidth = width;
    this.onResize();
  }

  scrollToIndex(index: number, align: ScrollAlign = 'nearest'): void {
    const { scrollTop } = this.viewport;
    const { currentLayout: layout, viewportHeight } = this;
    const target = offsetOfIndex({ layout, index, scrollTop, viewportHeight, align });
    if (target === scrollTop) return;
    // A jump the user asked for renders fully at once, not as a fast scroll.
    this.lastScrollTop = target;
    this.viewport.scrollTop = target;
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.settleTimer);
    this.resizeObserver.disconnect();
    this.viewport.removeEventListener('scroll', this.onScroll);
    for (const [index, el] of this.bound) this.options.releaseTile?.(el, index);
    this.bound.clear();
    this.listeners.clear();
    this.viewport.remove();
  }

  private computeLayout(count: number): GridLayout {
    const { minTileWidth, gap, captionHeight } = this.options;
    const layout = gridLayout({ width: this.viewport.clientWidth, count, minTileWidth, gap, captionHeight });
    this.sizer.style.height = `${layout.totalHeight}px`;
    return layout;
  }

  private onResize(): void {
    const before = this.currentLayout;
    // Keep the first visible tile in view when the column count changes.
    const anchor = Math.floor(this.viewport.scrollTop / before.rowHeight) * before.columns;
    this.viewportHeight = this.viewport.clientHeight;
    const after = (this.currentLayout = this.computeLayout(before.count));
    const relayout = after.columns !== before.columns || after.tileWidth !== before.tileWidth;
    if (relayout) {
      for (const el of this.bound.values()) this.sizeTile(el);
      for (const el of this.free) this.sizeTile(el);
    }
    if (after.columns !== before.columns && anchor < before.count) this.scrollToIndex(anchor, 'start');
    this.update(relayout);
  }

  private readonly onScroll = (): void => {
    if (!this.frame) this.frame = requestAnimationFrame(this.onFrame);
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(this.settle, SETTLE_MS);
  };

  private readonly onFrame = (): void => {
    this.frame = 0;
    const scrollTop = this.viewport.scrollTop;
    this.fast = Math.abs(scrollTop - this.lastScrollTop) > this.viewportHeight * FAST_VIEWPORTS_PER_FRAME;
    this.lastScrollTop = scrollTop;
    this.update(false);
  };

  private readonly settle = (): void => {
    const wasFast = this.fast;
    this.fast = false;
    // Listeners that skipped work during a fast scroll (fetching data) catch up now.
    if (wasFast) for (const cb of this.listeners) cb(this.range, 'full');
    for (const index of this.fastIndices) {
      const el = this.bound.get(index);
      if (el) this.render(el, index, 'full');
    }
    this.fastIndices.clear();
  };

  /**
   * Binds the tiles of the current range. Tiles that keep their index are left
   * alone unless `relayout` (new columns or tile size): then every one moves and
   * re-renders, since the caller may size its canvas to the tile.
   */
  private update(relayout: boolean): void {
    const layout = this.currentLayout;
    const next = visibleRange({
      scrollTop: this.viewport.scrollTop,
      viewportHeight: this.viewportHeight,
      layout,
      overscanRows: this.options.overscanRows,
    });
    for (const [index, el] of this.bound) {
      if (index >= next.firstIndex && index <= next.lastIndex) continue;
      this.options.releaseTile?.(el, index);
      this.bound.delete(index);
      this.fastIndices.delete(index);
      this.free.push(el);
    }
    const mode: RenderMode = this.fast ? 'fast' : 'full';
    for (let index = next.firstIndex; index <= next.lastIndex; index++) {
      let el = this.bound.get(index);
      const isNew = !el;
      if (!el) {
        el = this.free.pop() ?? this.createTile();
        if (el.style.display) el.style.display = '';
        this.bound.set(index, el);
      }
      if (isNew || relayout) {
        this.place(el, index, layout);
        this.render(el, index, mode);
      }
    }
    // Left-over pool elements stay in the DOM, hidden, ready for the next frame.
    for (const el of this.free) if (el.style.display !== 'none') el.style.display = 'none';
    const changed = next.firstIndex !== this.range.firstIndex || next.lastIndex !== this.range.lastIndex;
    this.range = next;
    if (changed) for (const cb of this.listeners) cb(next, mode);
  }

  private place(el: HTMLElement, index: number, layout: GridLayout): void {
    const { x, y } = positionOf(layout, index);
    // 2-D: a 3-D transform would give every tile a compositing layer of its own.
    el.style.transform = `translate(${x}px, ${y}px)`;
    el.dataset.index = String(index);
  }

  private sizeTile(el: HTMLElement): void {
    el.style.width = `${this.currentLayout.tileWidth}px`;
    el.style.height = `${this.currentLayout.tileHeight}px`;
  }

  private createTile(): HTMLElement {
    const el = this.options.createTile();
    el.style.position = 'absolute';
    el.style.top = '0';
    el.style.left = '0';
    el.style.contain = 'strict';
    this.sizeTile(el);
    this.viewport.append(el);
    return el;
  }

  private render(el: HTMLElement, index: number, mode: RenderMode): void {
    if (mode === 'fast') this.fastIndices.add(index);
    else this.fastIndices.delete(index);
    this.options.renderTile(el, index, mode);
  }
}
