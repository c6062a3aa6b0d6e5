/**
 * The app's back end state: one audit database, the datasets opened in this run (the
 * only ones whose images are served), the running audit, the model worker. api.ts
 * exposes it through the contract; everything here speaks the contract's views.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CallError, type AuditState, type PathKind, type Startup } from '../../shared/api';
import type { AuditRoles, AuditSettings } from '../../shared/audit';
import { GUIDED_METHODS, type MethodName } from '../../shared/explain';
import type { EventSink } from '../../shared/events';
import { ModelConfigSchema } from '../../shared/model-config';
import type { Framing } from '../../shared/map-frame';
import { defaultView, FIRST_SCREEN } from '../../shared/views';
import type {
  AuditKey,
  ClassSummary,
  DatasetView,
  Explanation,
  GridIndex,
  GridQuery,
  ImageDetail,
  ModelView,
  StoredAudit,
  StoredDataset,
  TagChange,
  TagCount,
  TagsOf,
  Tile,
} from '../../shared/views';
import { isMethodName } from '../../shared/explain';
import { toWireMap } from '../../shared/wire-map';
import { confinedPath } from '../images/confine';
import { ByteLru } from '../images/byte-lru';
import type { DatasetImages } from '../images/image-service';
import { DatasetError } from '../library/errors';
import { identifyModel } from '../jobs/model-identity';
import { openDataset } from '../jobs/open-dataset';
import { openStore, type DatasetOverview, type GridScope, type ModelRow, type Store } from '../store';
import { AuditControl } from './audit-control';
import { ModelService } from './model-service';
import { ResultCache } from './result-cache';
import type { Settings } from './settings';
import { printPdf, type PdfPrinter } from '../export/report/pdf';
import { Findings } from './findings';
import { deleteDrawnRegion, drawnRegionsOf, drawRegion } from './drawn-regions-view';
import type { DeleteDrawnResult, DrawnRegion, DrawnRegionRef, DrawRegionRequest, DrawRegionResult } from '../../shared/drawn-regions';
import { datasetView, imageDetailView, modelView, tileView } from './views';

export interface Dialogs {
  pickPath(kind: PathKind): Promise<string | null>;
}

export interface WorkspaceOptions {
  dbFile: string;
  /** Reads the database without writing to it. */
  readonly?: boolean;
  settings: Settings;
  images: DatasetImages;
  events: { emit: EventSink };
  demo: { dataset: string; model: string } | null;
  dialogs?: Dialogs;
  workers?: number;
  /** Prints reports to PDF; Chromium through Playwright when absent. */
  printPdf?: PdfPrinter;
  /** Where the Export dialog suggests a folder per dataset. */
  exportsRoot: string;
}

const GUIDED_NOTE =
  'Guided backpropagation and guided Grad-CAM fail the model-randomisation sanity check (Adebayo et al. 2018): ' +
  'they look much the same for a trained and a randomised model. Read them as edges the image contains, not as what the model uses.';

export class Workspace {
  readonly store: Store;
  private readonly audits: AuditControl;
  private readonly models = new ModelService();
  private readonly cache = new ResultCache();
  private closed = false;
  /** Aborted on close: a scan of a huge or endless folder must not hold the app open. */
  private readonly scans = new AbortController();
  private readonly explanations = new ByteLru<Explanation>(32 * 1024 * 1024, (e) => e.map.data.length);
  /** Subgroups, clusters, suggestions, comparisons, notes and exports of the audits here. */
  readonly findings: Findings;

  constructor(private readonly options: WorkspaceOptions) {
    if (!options.readonly) mkdirSync(path.dirname(options.dbFile), { recursive: true });
    this.store = openStore(options.dbFile, options.readonly ? { readonly: true } : {});
    this.findings = new Findings({
      store: this.store,
      cache: this.cache,
      models: this.models,
      printPdf: options.printPdf ?? printPdf,
      scope: (key) => this.scope(key),
      overview: (datasetId) => this.overview(datasetId),
      framing: (modelId) => this.framing(modelId),
      requireDataset: (datasetId) => this.requireDataset(datasetId),
    });
    this.audits = new AuditControl(
      this.store,
      (event, payload) => {
        if (event === 'audit') this.afterAudit(payload as AuditState);
        options.events.emit(event, payload);
      },
      (target, settings) => {
        const dataset = this.store.dataset(target.datasetId);
        if (dataset) this.options.images.allow(dataset.id, dataset.root);
        this.options.settings.setLast({ dataset: settings.dataset, model: settings.model, layer: target.layer, method: settings.methods[0]! });
      },
      () => this.cache.invalidate(),
      (datasetId, roles) => this.applyRoles(datasetId, roles),
      options.workers,
    );
  }

  startup(): Startup {
    const { settings, demo } = this.options;
    return {
      demo,
      recent: [...settings.recent],
      last: this.lastAudit(),
      audit: this.audits.current(),
      dialogs: this.options.dialogs !== undefined,
      exportsRoot: this.options.exportsRoot,
    };
  }

  /** The audit reviewed last, from settings, else the database's latest job (a database from `biascope audit`). */
  private lastAudit(): Startup['last'] {
    const last = this.options.settings.last;
    const remembered = last && this.store.datasetByRoot(path.resolve(last.dataset));
    const model = last && this.store.modelByPath(path.resolve(last.model));
    if (last && remembered && model) return this.reopen(remembered.id, model, last.layer, last.method);
    const job = this.store.latestJob();
    if (!job) return null;
    const jobModel = this.store.model(job.modelId);
    const method = job.methods.find(isMethodName);
    return jobModel && method ? this.reopen(job.datasetId, jobModel, job.layer, method) : null;
  }

  private reopen(datasetId: number, model: ModelRow, layer: string, method: MethodName): Startup['last'] {
    const dataset = this.store.dataset(datasetId);
    if (!dataset) return null;
    this.options.images.allow(dataset.id, dataset.root);
    const view = datasetView(dataset, this.overview(dataset.id));
    const key = { datasetId: dataset.id, modelId: model.id, layer, method };
    return {
      dataset: view,
      model: modelView(model, [], this.store.modelDefaultLayer(model.id)),
      layer,
      method,
      firstScreen: this.gridIndex({ key, ...defaultView(view), limit: FIRST_SCREEN }),
    };
  }

  async pickPath(kind: PathKind): Promise<string | null> {
    if (!this.options.dialogs) throw new CallError('unsupported', 'no file picker in a browser: type the path instead');
    return this.options.dialogs.pickPath(kind);
  }

  async openDataset(root: string): Promise<DatasetView> {
    let opened;
    try {
      opened = await openDataset(this.store, root, undefined, this.scans.signal);
    } catch (error) {
      if (this.scans.signal.aborted) throw new CallError('cancelled', 'the app is closing: the dataset was not opened');
      if (error instanceof DatasetError) throw new CallError('invalid-input', error.message);
      throw error;
    }
    const { dataset } = opened;
    this.cache.invalidate();
    this.options.images.allow(dataset.id, dataset.root);
    this.options.settings.addRecent(dataset.root, dataset.name);
    return datasetView(dataset, this.overview(dataset.id));
  }

  async openModel(modelPath: string): Promise<ModelView> {
    let identity;
    try {
      identity = await identifyModel(modelPath);
    } catch (error) {
      throw new CallError('invalid-input', (error as Error).message);
    }
    const row = this.store.upsertModel({
      hash: identity.hash,
      path: identity.path,
      kind: identity.kind,
      classes: identity.config.classes,
      config: JSON.stringify(identity.config),
    });
    const inspected = await this.models.inspect({ path: row.path, hash: row.hash });
    return modelView(row, inspected.layers, this.store.modelDefaultLayer(row.id) ?? inspected.defaultLayer);
  }

  storedAudits(datasetId: number): StoredAudit[] {
    return this.store
      .storedAudits(datasetId)
      .flatMap((row) => (isMethodName(row.method) ? [{ ...row, datasetId, method: row.method }] : []));
  }

  /** The roles an audit names, over the stored ones (a threshold alone keeps the stored regions). */
  private applyRoles(datasetId: number, roles: AuditRoles): void {
    const named = roles.spurious.length + roles.evidence.length > 0;
    if (!named && roles.threshold === undefined) return;
    // The scan just synced the dataset: its regions may be new.
    this.cache.invalidate();
    const stored = this.store.spuriousRules(datasetId);
    this.findings.setSpuriousRules(datasetId, {
      spurious: named ? roles.spurious : stored.spurious,
      evidence: named ? roles.evidence : stored.evidence,
      threshold: roles.threshold ?? stored.threshold,
    });
  }

  storedDatasets(): StoredDataset[] {
    return this.store.allDatasets().map((dataset) => {
      const job = this.store.latestJob(dataset.id);
      const method = job?.methods.find(isMethodName);
      const latest = job && method ? { datasetId: dataset.id, modelId: job.modelId, layer: job.layer, method } : null;
      return { id: dataset.id, root: dataset.root, name: dataset.name, latest };
    });
  }

  startAudit(settings: AuditSettings): Promise<AuditState> {
    return this.audits.start(settings);
  }

  auditState(): AuditState | null {
    return this.audits.current();
  }

  pauseAudit(): AuditState | null {
    return this.audits.pause();
  }

  resumeAudit(): AuditState | null {
    return this.audits.resume();
  }

  cancelAudit(): AuditState | null {
    return this.audits.cancel();
  }

  classSummary(key: AuditKey): ClassSummary[] {
    const scope = this.scope(key);
    const regions = this.overview(key.datasetId).regions;
    const results = this.cache.get(`classes\n${JSON.stringify(key)}`, () => this.store.classResults(scope, regions));
    const flagged = this.store.flaggedByClass(key.datasetId);
    const scales = this.cache.get(`scales\n${JSON.stringify(key)}`, () => this.store.mapScales(scope));
    return results.map((row) => ({
      name: row.name,
      images: row.images,
      audited: row.audited,
      accuracy: row.audited === 0 ? null : row.correct / row.audited,
      flagged: flagged.get(row.name) ?? 0,
      focus: row.focus,
      mapScale: { dataset: scales.dataset, class: scales.byClass[row.name] ?? null },
    }));
  }

  private overview(datasetId: number): DatasetOverview {
    return this.cache.get(`overview\n${datasetId}`, () => this.store.datasetOverview(datasetId));
  }

  /**
   * Computes the last audit's summaries ahead of the first request, while the window
   * or the browser is still loading the page.
   */
  warm(): void {
    if (this.closed) return;
    try {
      const last = this.lastAudit();
      if (last) this.classSummary({ datasetId: last.dataset.id, modelId: last.model.id, layer: last.layer, method: last.method });
    } catch (error) {
      // A request will meet the same failure and report it where it happens.
      console.warn('biascope: could not prepare the last audit:', (error as Error).message);
    }
  }

  gridIndex(query: GridQuery): GridIndex {
    if ((query.sort.by === 'mass' || query.sort.by === 'iou') && !query.sort.region) {
      throw new CallError('invalid-input', `sorting by ${query.sort.by} needs a region name`);
    }
    const scope = this.scope(query.key);
    const compute = (): GridIndex => {
      const ids = this.store.gridIndex(scope, query.filter, query.sort, query.limit);
      const complete = query.limit === undefined || ids.length < query.limit;
      return { ids, total: complete ? ids.length : this.store.gridCount(scope, query.filter), complete };
    };
    // An order filtered by tag changes with every tagging: computed afresh.
    if (query.filter.tag !== undefined) return compute();
    return this.cache.get(`index\n${JSON.stringify(query)}`, compute);
  }

  gridTiles(key: AuditKey, ids: readonly number[]): Tile[] {
    const framing = this.framing(key.modelId);
    return this.store.gridTiles(this.scope(key), ids).map((row) => tileView(row, framing));
  }

  imageDetail(key: AuditKey, imageId: number): ImageDetail {
    const scope = this.scope(key);
    const record = this.store.imageRecord(key.datasetId, imageId, key.modelId, scope.setId);
    if (!record) throw new CallError('not-found', `image ${imageId} is not in dataset ${key.datasetId}`);
    return imageDetailView(record, scope.classes, this.framing(key.modelId));
  }

  async explainImage(key: AuditKey, imageId: number, method: MethodName, target: string): Promise<Explanation> {
    const scope = this.scope(key);
    const model = this.store.model(key.modelId)!;
    const index = model.classes.indexOf(target);
    if (index < 0) throw new CallError('invalid-input', `the model has no class ${JSON.stringify(target)}; it has ${model.classes.join(', ')}`);
    const record = this.store.imageRecord(key.datasetId, imageId, key.modelId, scope.setId);
    const dataset = this.store.dataset(key.datasetId);
    if (!record || !dataset) throw new CallError('not-found', `image ${imageId} is not in dataset ${key.datasetId}`);
    const cacheKey = [model.hash, key.layer, method, index, record.contentId].join('\n');
    const cached = this.explanations.get(cacheKey);
    if (cached) return cached;
    const config = ModelConfigSchema.parse(JSON.parse(model.config));
    const file = await confinedPath(dataset.root, record.path);
    // sharp loads with the first image decoded here, not with the app.
    const { decodeImage } = await import('../library/decode');
    const decoded = await decodeImage(file, config.inputSize, config.preprocess).catch((error: unknown) => {
      throw new CallError('not-found', (error as Error).message);
    });
    const reply = await this.models.explainOne(
      { path: model.path, hash: model.hash },
      { layer: key.layer, method, target: index, rgb: decoded.rgb.data },
    );
    const explanation: Explanation = {
      method,
      target,
      map: toWireMap(reply.map),
      layer: reply.layer,
      backend: reply.backend,
      note: GUIDED_METHODS.includes(method) ? GUIDED_NOTE : null,
    };
    this.explanations.set(cacheKey, explanation);
    return explanation;
  }

  setTags(change: TagChange): TagsOf {
    const clean = (tags: readonly string[]) => [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
    this.requireDataset(change.datasetId);
    const unknown = this.store.unknownContent(change.datasetId, change.contentIds);
    if (unknown.length > 0) {
      throw new CallError('not-found', `no image of dataset ${change.datasetId} has content id ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''}: nothing was tagged`);
    }
    this.store.changeTags(change.datasetId, change.contentIds, clean(change.add), clean(change.remove));
    const all = this.store.tagsOf(change.datasetId, change.contentIds);
    return [...new Set(change.contentIds)].map((contentId) => ({ contentId, tags: all.get(contentId) ?? [] }));
  }

  tagCounts(datasetId: number): TagCount[] {
    return this.store.tagCounts(datasetId);
  }

  drawnRegions(datasetId: number): DrawnRegion[] {
    this.requireDataset(datasetId);
    return drawnRegionsOf(this.store, datasetId);
  }

  drawRegion(request: DrawRegionRequest): DrawRegionResult {
    this.requireDataset(request.datasetId);
    const result = drawRegion(this.store, this.overview(request.datasetId), request);
    this.cache.invalidate();
    return result;
  }

  deleteDrawnRegion(ref: DrawnRegionRef): DeleteDrawnResult {
    this.requireDataset(ref.datasetId);
    const result = deleteDrawnRegion(this.store, ref);
    this.cache.invalidate();
    return result;
  }

  /** Before the UI hears that an audit ended: its last writes (drawn regions on newly decoded images included) invalidate what is cached. */
  private afterAudit(state: AuditState): void {
    if (state.status === 'running' || state.status === 'paused' || this.closed) return;
    this.cache.invalidate();
  }

  async close(): Promise<void> {
    this.closed = true;
    // A scan or hash under way stops at its next folder or file instead of holding the close.
    this.scans.abort();
    await this.audits.close();
    await this.models.close();
    this.store.close();
  }

  private requireDataset(datasetId: number): void {
    if (!this.store.dataset(datasetId)) throw new CallError('not-found', `dataset ${datasetId} does not exist`);
  }

  /** Checks an audit key against the database and resolves its result set and class names. */
  /** The model's crop (shorterSide, centerCrop): where its maps sit on their images. */
  private framing(modelId: number): Framing | undefined {
    const model = this.store.model(modelId);
    return model ? ModelConfigSchema.parse(JSON.parse(model.config)).preprocess : undefined;
  }

  private scope(key: AuditKey): GridScope {
    this.requireDataset(key.datasetId);
    const model = this.store.model(key.modelId);
    if (!model) throw new CallError('not-found', `model ${key.modelId} does not exist`);
    const setId = this.store.findResultSet(key.modelId, key.layer, key.method) ?? -1;
    return { datasetId: key.datasetId, modelId: key.modelId, setId, classes: model.classes };
  }
}
