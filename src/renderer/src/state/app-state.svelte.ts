/**
 * The renderer's state: what is open, what the grid shows, how tiles look, what is
 * selected, and the undo history of tags. One class with runes, handed to components
 * through context (see context.ts). It talks to the back end only through the client.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { AuditState, Startup } from '../../../shared/api';
import type { AuditSettings, AuditTargets, QueueSettings } from '../../../shared/audit';
import type { BiascopeClient } from '../../../shared/client';
import { COLORMAPS, type ColormapName } from '../../../shared/colormap';
import type { MethodName } from '../../../shared/explain';
import {
  DEFAULT_TAGS,
  FIRST_SCREEN,
  defaultView,
  type AuditKey,
  type ClassSummary,
  type DatasetView,
  type GridFilter,
  type GridIndex,
  type GridSort,
  type ModelView,
  type StoredAudit,
  type TagCount,
} from '../../../shared/views';
import type { GridApi } from '../components/grid/grid-api';
import { scaleFor, type MapScales, type ScaleMode } from '../../../shared/map-scale';
import { TagHistory, type TagEdit } from './tag-history';

export type OverlayMode = 'overlay' | 'heatmap' | 'image';

/** Smallest tile widths, CSS pixels, of the tile-size control; the grid fills the row from there. */
export const TILE_SIZES = { small: 110, medium: 150, large: 220 } as const;

export interface TileLook {
  mode: OverlayMode;
  /** Heatmap opacity over the image, 0..1. */
  opacity: number;
  colormap: ColormapName;
  /** Share of the colour scale below which a map is not drawn. */
  threshold: number;
  tileSize: number;
  /** What a map's top colour means (shared/map-scale): a shared scale by default, so maps compare. */
  scale: ScaleMode;
}

export interface ShownError {
  id: number;
  /** Where it happened, in the user's words: "Opening the dataset". */
  where: string;
  message: string;
}

/** Seconds between grid refreshes while an audit writes results. */
const LIVE_REFRESH_MS = 2000;
/** How long the first grid has the machine to itself before the model loads for its layer list. */
const MODEL_LOAD_DELAY_MS = 2000;

export class AppState {
  startup = $state<Startup | null>(null);
  dataset = $state<DatasetView | null>(null);
  model = $state<ModelView | null>(null);
  layer = $state<string | null>(null);
  method = $state<MethodName>('gradcam');
  audit = $state<AuditState | null>(null);
  classes = $state<ClassSummary[]>([]);
  tagCounts = $state<TagCount[]>([]);
  filter = $state<GridFilter>({});
  sort = $state<GridSort>({ by: 'confidence', dir: 'asc' });
  look = $state<TileLook>({ mode: 'overlay', opacity: 0.6, colormap: 'turbo', threshold: 0.2, tileSize: TILE_SIZES.medium, scale: 'dataset' });
  /** The audit's shared colour scales, as the class summaries carry them. */
  readonly mapScales = $derived.by((): MapScales | null => {
    const first = this.classes[0];
    if (!first) return null;
    return { dataset: first.mapScale.dataset, byClass: Object.fromEntries(this.classes.map((c) => [c.name, c.mapScale.class])) };
  });
  /** Grid ids in display order; replaced as a whole, never mutated. */
  ids = $state.raw<readonly number[]>([]);
  /** Images the current filter keeps; `ids` may hold only the first of them for a moment. */
  total = $state(0);
  /** Bumps when tiles must be fetched again (new results, tags changed elsewhere). */
  tilesVersion = $state(0);
  cursor = $state(0);
  /** Selected image ids -> content ids (tags are keyed by content). */
  readonly selected = new SvelteMap<number, number>();
  detailId = $state<number | null>(null);
  showStart = $state(false);
  showSubgroups = $state(false);
  showCompare = $state(false);
  /** Audits stored for the open dataset, newest first: Compare needs two. */
  storedAudits = $state.raw<StoredAudit[]>([]);
  showReview = $state(false);
  showExport = $state(false);
  showClusters = $state(false);
  showConcepts = $state(false);
  /** Images the detail's Previous and Next step through when the cluster or concept view opened it, instead of the grid's. */
  detailPeers = $state.raw<readonly number[] | null>(null);
  busy = $state<string | null>(null);
  errors = $state<ShownError[]>([]);
  gridLoading = $state(false);
  private errorCount = 0;
  private lastLiveRefresh = 0;
  /** Milliseconds the last live refresh took, end to end. */
  private lastRefreshCost = 0;
  private refreshTurn = 0;
  readonly history = new TagHistory();

  constructor(readonly client: BiascopeClient) {}

  get key(): AuditKey | null {
    if (!this.dataset || !this.model || !this.layer) return null;
    return { datasetId: this.dataset.id, modelId: this.model.id, layer: this.layer, method: this.method };
  }

  /**
   * Tags offered (number keys 1-9): the defaults, then the dataset's own in order of
   * first use. Stable: tagging never moves a tag to another key.
   */
  get palette(): string[] {
    const tags = [...DEFAULT_TAGS, ...this.tagCounts.map((t) => t.tag)];
    return tags.filter((tag, i) => tags.indexOf(tag) === i);
  }

  get running(): boolean {
    return this.audit?.status === 'running' || this.audit?.status === 'paused';
  }

  report(where: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.errors = [...this.errors.slice(-4), { id: ++this.errorCount, where, message }];
  }

  dismiss(id: number): void {
    this.errors = this.errors.filter((e) => e.id !== id);
  }

  /** Runs a back-end call, showing what it does meanwhile and where it failed. */
  async attempt<T>(where: string, work: () => Promise<T>): Promise<T | undefined> {
    this.busy = where;
    try {
      return await work();
    } catch (error) {
      this.report(where, error);
      return undefined;
    } finally {
      if (this.busy === where) this.busy = null;
    }
  }

  /** Opens where the user left off; `pending` is a startup call already on its way. */
  async boot(pending?: Promise<Startup>): Promise<void> {
    this.client.on('audit', (state) => this.onAudit(state));
    const startup = await this.attempt('Starting', () => pending ?? this.client.api.startup());
    if (!startup) return;
    this.startup = startup;
    this.audit = startup.audit;
    if (startup.last) {
      this.dataset = startup.last.dataset;
      this.model = startup.last.model;
      this.layer = startup.last.layer;
      this.method = startup.last.method;
      const view = defaultView(this.dataset);
      this.filter = view.filter;
      this.sort = view.sort;
      await this.refresh(startup.last.firstScreen);
      // Layers are listed once the model is loaded, a little later: the first grid gets the CPU first.
      const path = startup.last.model.path;
      setTimeout(() => {
        this.client.api.openModel({ path }).then(
          (model) => {
            if (this.model?.id === model.id) this.model = model;
          },
          () => undefined,
        );
      }, MODEL_LOAD_DELAY_MS);
    } else if (startup.demo) {
      this.showStart = true;
      await this.openDataset(startup.demo.dataset);
      await this.openModel(startup.demo.model);
    } else {
      this.showStart = true;
    }
  }

  async openDataset(root: string): Promise<void> {
    const dataset = await this.attempt('Opening the dataset', () => this.client.api.openDataset({ root }));
    if (!dataset) return;
    this.dataset = dataset;
    const view = defaultView(dataset);
    this.filter = view.filter;
    this.sort = view.sort;
    this.selected.clear();
    this.detailId = null;
    await this.refresh();
  }

  async openModel(path: string): Promise<void> {
    const model = await this.attempt('Loading the model', () => this.client.api.openModel({ path }));
    if (!model) return;
    this.model = model;
    this.layer = model.defaultLayer;
    await this.refresh();
  }

  async startAudit(options: { methods: MethodName[]; targets: AuditTargets; layer?: string; concepts?: boolean; queue?: QueueSettings }): Promise<void> {
    if (!this.dataset || !this.model) return;
    const settings: AuditSettings = {
      dataset: this.dataset.root,
      model: this.model.path,
      methods: options.methods,
      targets: options.targets,
      ...(options.layer ? { layer: options.layer } : {}),
      ...(options.concepts ? { concepts: true } : {}),
      ...(options.queue ? { queue: options.queue } : {}),
    };
    const state = await this.attempt('Starting the audit', () => this.client.api.startAudit(settings));
    if (!state) return;
    this.audit = state;
    this.method = options.methods[0]!;
    if (options.layer) this.layer = options.layer;
    this.showStart = false;
  }

  private onAudit(state: AuditState): void {
    const ended = this.running && state.status !== 'running' && state.status !== 'paused';
    this.audit = state;
    if (state.layer && state.modelId !== null && state.datasetId === this.dataset?.id && this.model?.id === state.modelId) {
      if (this.layer !== state.layer) {
        this.layer = state.layer;
        void this.refresh();
        return;
      }
    }
    const now = Date.now();
    // On a big library a refresh re-sorts every image: its own cost, ten times over,
    // sets the pace, so watching an audit never takes more than a tenth of the back end.
    const interval = Math.max(LIVE_REFRESH_MS, this.lastRefreshCost * 10);
    if (ended || (state.status === 'running' && now - this.lastLiveRefresh > interval && state.progress.done > 0)) {
      this.lastLiveRefresh = now;
      const started = performance.now();
      void this.refresh().then(() => (this.lastRefreshCost = performance.now() - started));
    }
  }

  /**
   * Re-reads the grid order, then the class summary and tag counts. The grid comes
   * first: its tiles are asked for before the summaries, so the back end answers them
   * first. A refresh overtaken by a newer one drops its replies.
   */
  async refresh(firstScreen?: GridIndex): Promise<void> {
    const key = this.key;
    const turn = ++this.refreshTurn;
    if (!key) {
      this.ids = [];
      this.total = 0;
      this.classes = [];
      return;
    }
    this.gridLoading = true;
    try {
      const query = { key, filter: $state.snapshot(this.filter), sort: $state.snapshot(this.sort) };
      const first = firstScreen ?? (await this.client.api.gridIndex({ ...query, limit: FIRST_SCREEN }));
      if (turn !== this.refreshTurn) return;
      this.ids = first.ids;
      this.total = first.total;
      this.tilesVersion++;
      this.cursor = Math.min(this.cursor, Math.max(0, first.total - 1));
      this.gridLoading = false;
      // Let the grid ask for its tiles before anything else is asked.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (!first.complete) {
        const all = await this.client.api.gridIndex(query);
        if (turn !== this.refreshTurn) return;
        this.ids = all.ids;
        this.total = all.total;
      }
      const [classes, tagCounts] = await Promise.all([
        this.client.api.classSummary(key),
        this.client.api.tagCounts({ datasetId: key.datasetId }),
      ]);
      if (turn !== this.refreshTurn) return;
      this.classes = classes;
      this.tagCounts = tagCounts;
      // Audits change only when one ends: not re-listed at every live refresh.
      if (!this.running) void this.refreshAudits();
    } catch (error) {
      this.report('Loading the grid', error);
    } finally {
      if (turn === this.refreshTurn) this.gridLoading = false;
    }
  }

  private auditsListed = '';

  /** Lists the dataset's audits again when the dataset changed or an audit ended since the last time. */
  async refreshAudits(): Promise<void> {
    const datasetId = this.dataset?.id;
    const audit = this.audit;
    const listed = JSON.stringify([datasetId, audit?.status, audit?.modelId, audit?.layer, audit?.settings.methods]);
    if (datasetId === undefined || listed === this.auditsListed) return;
    this.auditsListed = listed;
    try {
      const audits = await this.client.api.storedAudits({ datasetId });
      if (this.dataset?.id === datasetId) this.storedAudits = audits;
    } catch (error) {
      this.auditsListed = '';
      this.report('Listing stored audits', error);
    }
  }

  get canCompare(): boolean {
    return this.key !== null && this.storedAudits.filter((a) => a.datasetId === this.dataset?.id).length >= 2;
  }

  setFilter(patch: Partial<GridFilter>): void {
    const next: GridFilter = { ...this.filter, ...patch };
    for (const [name, value] of Object.entries(next)) if (value === undefined) delete next[name as keyof GridFilter];
    this.filter = next;
    this.cursor = 0;
    this.selected.clear();
    void this.refresh();
  }

  setSort(sort: GridSort): void {
    this.sort = sort;
    this.cursor = 0;
    void this.refresh();
  }

  /** The value painted in the top colour for a map explaining `target` (null: the map's own maximum). */
  scaleFor(target: string | null): number | null {
    return scaleFor(this.look.scale, this.mapScales, target);
  }

  nextColormap(): void {
    const at = COLORMAPS.indexOf(this.look.colormap);
    this.look.colormap = COLORMAPS[(at + 1) % COLORMAPS.length]!;
  }

  toggleOverlay(): void {
    const modes: OverlayMode[] = ['overlay', 'heatmap', 'image'];
    this.look.mode = modes[(modes.indexOf(this.look.mode) + 1) % modes.length]!;
  }

  /**
   * Applies a tag edit and records its inverse for undo. Saved at once: the back end
   * writes it in one transaction before answering.
   */
  async applyTags(edit: TagEdit, record = true): Promise<boolean> {
    if (!this.dataset || edit.contentIds.length === 0) return false;
    const datasetId = this.dataset.id;
    const done = await this.attempt('Saving tags', () =>
      this.client.api.setTags({ datasetId, contentIds: [...edit.contentIds], add: [...edit.add], remove: [...edit.remove] }),
    );
    if (!done) return false;
    if (record) this.history.push(edit, done);
    this.onTagsSaved(done);
    return true;
  }

  async undo(): Promise<void> {
    for (const inverse of this.history.popInverse() ?? []) await this.applyTags(inverse, false);
  }

  /** The grid on screen, set by it while mounted: the keyboard and the tag palette move and read it. */
  grid: GridApi | null = null;

  /** Set by the grid to patch its visible tiles without a refetch. */
  onTagsSaved: (tags: { contentId: number; tags: string[] }[]) => void = () => {};

  async refreshCounts(): Promise<void> {
    const key = this.key;
    if (!key) return;
    try {
      [this.classes, this.tagCounts] = await Promise.all([
        this.client.api.classSummary(key),
        this.client.api.tagCounts({ datasetId: key.datasetId }),
      ]);
    } catch (error) {
      this.report('Updating counts', error);
    }
  }
}
