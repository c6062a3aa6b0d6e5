/**
 * The store: one SQLite file per workspace (audit.db), every query of the app. Each
 * public write is one immediate transaction; statements are prepared once, when the
 * store opens. Open it with openStore, which configures and migrates the file.
 */
import type Database from 'better-sqlite3';
import type { GridFilter, GridSort } from '../../shared/views';
import type { HashedFile, KnownFile, RegionBox } from '../library/types';
import { Audit } from './audit';
import { Datasets } from './datasets';
import { ErrorLog } from './error-log';
import { Images } from './images';
import { Jobs } from './jobs';
import { Maintenance } from './maintenance';
import { userVersion } from './migrations';
import { Models } from './models';
import { Results } from './results';
import { BoxRows, type BoxRow, type BoxTarget } from './box-rows';
import { ClassMaps, type ClassMapRow } from './class-maps';
import { Components, type ComponentRow } from './components';
import { ConceptTests, type ConceptTestsKey, type StoredConceptTests } from './concept-tests';
import { ReviewGrid, type GridScope, type TileRow } from './review-grid';
import { ReviewImage, type ImageRecord } from './review-image';
import { ReviewSummary, type ClassResults, type DatasetOverview, type StoredAuditRow } from './review-summary';
import type { AuditRow, JobPatch, JobRow, NewJob, SizeReport, StoredError, SyncCounts } from './rows';
import { Findings, type FocusRow } from './findings';
import { ConceptRegions, type ConceptBox, type ConceptRegionRow, type ConceptSource } from './concept-regions';
import { DrawnRegions, type DrawnApplied, type DrawnRegionRow, type Fractions, type RegionMeasure } from './drawn-regions';
import { RegionRefresh, type RegionRefreshMeasures } from './region-refresh';
import { Tags } from './tags';
import type { MapScales } from '../../shared/map-scale';
import type { Decision, SpuriousRules } from '../../shared/suggestions';
import { writeTransaction } from './transaction';
import type { DatasetRow, ErrorStage, ImageError, ImageResult, ImageRow, ModelRow } from './types';

export class Store {
  private readonly datasets: Datasets;
  private readonly images: Images;
  private readonly models: Models;
  private readonly results: Results;
  private readonly audit: Audit;
  private readonly jobs: Jobs;
  private readonly errorLog: ErrorLog;
  private readonly tagList: Tags;
  private readonly maintenance: Maintenance;
  private readonly grid: ReviewGrid;
  private readonly summary: ReviewSummary;
  private readonly imageView: ReviewImage;
  private readonly classMaps: ClassMaps;
  private readonly components: Components;
  private readonly conceptTests: ConceptTests;
  private revisionQuery: Database.Statement<[], number> | undefined;
  private readonly boxRows: BoxRows;
  private readonly findings: Findings;
  private readonly drawn: DrawnRegions;
  private readonly concepts: ConceptRegions;
  private readonly regionRefresh: RegionRefresh;
  private readonly write: {
    upsertDataset: (root: string, name?: string) => DatasetRow;
    syncImages: Images['sync'];
    upsertModel: Models['upsert'];
    setModelDefaultLayer: Models['setDefaultLayer'];
    resultSet: Results['resultSet'];
    writeResults: Results['write'];
    recordErrors: ErrorLog['record'];
    clearErrors: ErrorLog['clear'];
    clearComputeErrors: ErrorLog['clearComputed'];
    replaceScanErrors: ErrorLog['replaceScan'];
    createJob: Jobs['create'];
    updateJob: Jobs['update'];
    interruptStaleJobs: Jobs['interruptStale'];
    addTag: Tags['add'];
    removeTag: Tags['remove'];
    changeTags: Tags['change'];
    setRules: Findings['setRules'];
    putDrawn: DrawnRegions['put'];
    removeDrawn: DrawnRegions['remove'];
    applyDrawn: DrawnRegions['apply'];
    nameConcept: ConceptRegions['put'];
    unnameConcept: ConceptRegions['remove'];
    refreshRegions: RegionRefresh['refresh'];
    decide: Findings['decide'];
    setNotes: Findings['setNotes'];
    putConceptTests: ConceptTests['put'];
  };

  /** Use openStore: it configures and migrates the file before this runs. */
  constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.datasets = new Datasets(db);
    this.images = new Images(db);
    this.models = new Models(db);
    this.results = new Results(db);
    this.audit = new Audit(db, this.images);
    this.jobs = new Jobs(db);
    this.errorLog = new ErrorLog(db);
    this.tagList = new Tags(db);
    this.maintenance = new Maintenance(db);
    this.grid = new ReviewGrid(db);
    this.summary = new ReviewSummary(db);
    this.imageView = new ReviewImage(db);
    this.classMaps = new ClassMaps(db);
    this.components = new Components(db);
    this.conceptTests = new ConceptTests(db);
    this.boxRows = new BoxRows(db);
    this.findings = new Findings(db, this.tagList);
    this.drawn = new DrawnRegions(db);
    this.concepts = new ConceptRegions(db);
    this.regionRefresh = new RegionRefresh(db);
    const tx = <A extends unknown[], R>(body: (...args: A) => R) => writeTransaction(db, body);
    // The user's own work (tags, decisions, rules, drawn regions, notes) survives a power
    // cut too: its commits are synced at once. Results stay at NORMAL: an audit's last
    // batches lost to a power cut are computed again, a person's tags could not be.
    const durable = <A extends unknown[], R>(body: (...args: A) => R) => {
      const run = tx(body);
      return (...args: A): R => {
        db.pragma('synchronous = FULL');
        try {
          return run(...args);
        } finally {
          db.pragma('synchronous = NORMAL');
        }
      };
    };
    this.write = {
      upsertDataset: tx((root: string, name?: string) => this.datasets.upsert(root, name)),
      syncImages: tx(this.images.sync.bind(this.images)),
      upsertModel: tx(this.models.upsert.bind(this.models)),
      setModelDefaultLayer: tx(this.models.setDefaultLayer.bind(this.models)),
      resultSet: tx(this.results.resultSet.bind(this.results)),
      writeResults: tx(this.results.write.bind(this.results)),
      recordErrors: tx(this.errorLog.record.bind(this.errorLog)),
      clearErrors: tx(this.errorLog.clear.bind(this.errorLog)),
      clearComputeErrors: tx(this.errorLog.clearComputed.bind(this.errorLog)),
      replaceScanErrors: tx(this.errorLog.replaceScan.bind(this.errorLog)),
      createJob: tx(this.jobs.create.bind(this.jobs)),
      updateJob: tx(this.jobs.update.bind(this.jobs)),
      interruptStaleJobs: tx(this.jobs.interruptStale.bind(this.jobs)),
      addTag: durable(this.tagList.add.bind(this.tagList)),
      removeTag: durable(this.tagList.remove.bind(this.tagList)),
      changeTags: durable(this.tagList.change.bind(this.tagList)),
      setRules: durable(this.findings.setRules.bind(this.findings)),
      putDrawn: durable(this.drawn.put.bind(this.drawn)),
      removeDrawn: durable(this.drawn.remove.bind(this.drawn)),
      applyDrawn: tx(this.drawn.apply.bind(this.drawn)),
      nameConcept: tx(this.concepts.put.bind(this.concepts)),
      unnameConcept: tx(this.concepts.remove.bind(this.concepts)),
      refreshRegions: tx(this.regionRefresh.refresh.bind(this.regionRefresh)),
      decide: durable(this.findings.decide.bind(this.findings)),
      setNotes: durable(this.findings.setNotes.bind(this.findings)),
      // A cache of derived numbers: a power cut loses at most a re-run.
      putConceptTests: tx(this.conceptTests.put.bind(this.conceptTests)),
    };
  }

  close(): void {
    this.db.close();
  }

  schemaVersion(): number {
    return userVersion(this.db);
  }

  // Datasets and images

  /** By root; the name defaults to the folder's name, and an existing name is kept unless one is given. */
  upsertDataset(root: string, name?: string): DatasetRow {
    return this.write.upsertDataset(root, name);
  }

  datasetByRoot(root: string): DatasetRow | undefined {
    return this.datasets.byRoot(root);
  }

  /** Path -> what the last scan recorded, for present images: equal size and mtime skip hashing. */
  knownFiles(datasetId: number): Map<string, KnownFile> {
    return this.images.knownFiles(datasetId);
  }

  /**
   * Records a scan in one transaction: contents by hash, images by path, attributes and
   * regions of listed paths; paths not listed become absent. Tags are never touched.
   */
  syncImages(datasetId: number, files: readonly HashedFile[], regions: ReadonlyMap<string, readonly RegionBox[]>): SyncCounts {
    return this.write.syncImages(datasetId, files, regions);
  }

  /** Present images sorted by path, with attributes and regions. */
  listImages(datasetId: number): ImageRow[] {
    return this.images.list(datasetId);
  }

  // Models and results

  upsertModel(model: Omit<ModelRow, 'id'>): ModelRow {
    return this.write.upsertModel(model);
  }

  /** Class names of a model, in output order. */
  modelClasses(modelId: number): string[] {
    return this.models.classes(modelId);
  }

  /** The layer audits of this model use when none is asked for; null until one is learned. */
  modelDefaultLayer(modelId: number): string | null {
    return this.models.defaultLayer(modelId);
  }

  setModelDefaultLayer(modelId: number, layer: string): void {
    this.write.setModelDefaultLayer(modelId, layer);
  }

  /** The id of a (model, layer, method) result set, created if new. */
  resultSet(modelId: number, layer: string, method: string): number {
    return this.write.resultSet(modelId, layer, method);
  }

  /** Content id -> predicted class index, for every content the model has seen. */
  predictedClasses(modelId: number): Map<number, number> {
    return this.results.predictedClasses(modelId);
  }

  /** Content id -> target classes with a stored map in the set. */
  doneTargets(setId: number): Map<number, Set<number>> {
    return this.results.doneTargets(setId);
  }

  /** contentId -> targets whose maps' evidence components for this descriptor layer are stored. */
  describedTargets(setId: number, descriptorLayer: string): Map<number, Set<number>> {
    return this.results.describedTargets(setId, descriptorLayer);
  }

  /** Every evidence component of a result set's maps (schema 6), for one descriptor layer. */
  componentRows(datasetId: number, modelId: number, setId: number, descriptorLayer: string): ComponentRow[] {
    return this.components.of(datasetId, modelId, setId, descriptorLayer);
  }

  /** The descriptor layers a result set's maps were described by, in name order. */
  descriptorLayers(setId: number): string[] {
    return this.components.descriptorLayers(setId);
  }

  /** The stored causal tests of concepts for the key, run on components of this fingerprint (schema 7); null when none are. */
  storedConceptTests(key: ConceptTestsKey, fingerprint: string): StoredConceptTests | null {
    return this.conceptTests.get(key, fingerprint);
  }

  putConceptTests(key: ConceptTestsKey, fingerprint: string, value: StoredConceptTests): void {
    this.write.putConceptTests(key, fingerprint, value);
  }

  /** One transaction: sizes, predictions, maps with statistics; all or nothing. */
  writeResults(modelId: number, layer: string, results: readonly ImageResult[]): void {
    this.write.writeResults(modelId, layer, results);
  }

  /** One row per present image, sorted by path, with the map of its predicted class. */
  auditRows(datasetId: number, modelId: number, layer: string, method: string): AuditRow[] {
    return this.audit.rows(datasetId, modelId, this.results.findSet(modelId, layer, method));
  }

  // Errors

  /** One transaction; a new error replaces the one of the same path and stage. */
  recordErrors(datasetId: number, jobId: number | null, errors: readonly ImageError[]): void {
    this.write.recordErrors(datasetId, jobId, errors);
  }

  /** Forgets the errors of these paths: of one stage, or of every stage. */
  /** Decode and explain failures of images since explained; scan problems stay. */
  clearComputeErrors(datasetId: number, paths: readonly string[]): void {
    this.write.clearComputeErrors(datasetId, paths);
  }

  clearErrors(datasetId: number, paths: readonly string[], stage?: ErrorStage): void {
    this.write.clearErrors(datasetId, paths, stage);
  }

  /** One transaction: the scan errors of a dataset become exactly these. */
  replaceScanErrors(datasetId: number, errors: readonly ImageError[]): void {
    this.write.replaceScanErrors(datasetId, errors);
  }

  /** Sorted by path: scan errors, and errors of images still present. */
  errors(datasetId: number): StoredError[] {
    return this.errorLog.list(datasetId);
  }

  failedContents(datasetId: number, stage: ErrorStage): Set<number> {
    return this.errorLog.failedContents(datasetId, stage);
  }

  // Jobs

  /** A new job, running. */
  createJob(job: NewJob): number {
    return this.write.createJob(job);
  }

  /** Sets finished_at when the status becomes done, cancelled or failed. */
  updateJob(id: number, patch: JobPatch): void {
    this.write.updateJob(id, patch);
  }

  /** Moves whenever what findings are made of changes (schema 5): equal revisions, equal exports. */
  revision(): number {
    this.revisionQuery ??= this.db.prepare<[], number>('SELECT value FROM revision WHERE id = 1').pluck();
    return this.revisionQuery.get() ?? 0;
  }

  /** The job started last: of one dataset when given, else of any. */
  latestJob(datasetId?: number): JobRow | undefined {
    return datasetId === undefined ? this.jobs.latest() : this.jobs.latestOf(datasetId);
  }

  job(id: number): JobRow | undefined {
    return this.jobs.get(id);
  }

  /** The backend that last computed maps for this dataset, model and layer, if any job did. */
  auditBackend(datasetId: number, modelId: number, layer: string): string | undefined {
    return this.jobs.backendOf(datasetId, modelId, layer);
  }

  /** Jobs a killed process left running or paused become interrupted; the runner calls this at start. */
  interruptStaleJobs(): number {
    return this.write.interruptStaleJobs();
  }

  // Tags

  addTag(datasetId: number, contentIds: readonly number[], tag: string): void {
    this.write.addTag(datasetId, contentIds, tag);
  }

  removeTag(datasetId: number, contentIds: readonly number[], tag: string): void {
    this.write.removeTag(datasetId, contentIds, tag);
  }

  /** Adds and removes tags on many images at once, in one transaction. */
  /** The content ids no image of the dataset has. */
  unknownContent(datasetId: number, contentIds: readonly number[]): number[] {
    return this.tagList.unknown(datasetId, contentIds);
  }

  changeTags(datasetId: number, contentIds: readonly number[], add: readonly string[], remove: readonly string[]): void {
    this.write.changeTags(datasetId, contentIds, add, remove);
  }

  /** Tags of these contents, sorted; contents without tags are absent. */
  tagsOf(datasetId: number, contentIds: readonly number[]): Map<number, string[]> {
    return this.tagList.of(datasetId, contentIds);
  }

  tagCounts(datasetId: number): { tag: string; images: number }[] {
    return this.summary.tagCounts(datasetId);
  }

  // Findings: region roles and spurious-focus decisions

  spuriousRules(datasetId: number): SpuriousRules {
    return this.findings.rules(datasetId);
  }

  /** Replaces the dataset's region roles and threshold, in one transaction. */
  setSpuriousRules(datasetId: number, rules: SpuriousRules): void {
    this.write.setRules(datasetId, rules);
  }

  /** The user's notes on a dataset, empty when none. */
  notes(datasetId: number): string {
    return this.findings.notes(datasetId);
  }

  /** One statement: atomic on its own. */
  setNotes(datasetId: number, text: string): void {
    this.write.setNotes(datasetId, text);
  }

  /** Every audited image of a scope (or of these contents) with its predicted class's mass on these regions, and its decision. */
  focusRows(scope: GridScope, regions: readonly string[], contentIds?: readonly number[]): FocusRow[] {
    return this.findings.focusRows(scope, regions, contentIds);
  }

  /**
   * Records decisions on suggestions, in one transaction with the tags they imply: an
   * accepted one tags the image spurious:<region>; undoing or rejecting it removes that tag.
   */
  decide(datasetId: number, setId: number, items: readonly { contentId: number; region: string }[], decision: Decision | null): void {
    this.write.decide(datasetId, setId, items, decision);
  }

  // Drawn regions: boxes the user draws on one image of a class, applied to all of it

  /** By label, then name. */
  drawnRegions(datasetId: number): DrawnRegionRow[] {
    return this.drawn.list(datasetId);
  }

  /** Region names of the dataset's annotations, which drawn regions may not reuse. */
  annotatedRegionNames(datasetId: number): string[] {
    return this.drawn.annotatedNames(datasetId);
  }

  /** One transaction: stores the region (or its new box), applies it to the class, measures stored maps on it. */
  putDrawnRegion(datasetId: number, label: string, name: string, box: Fractions, measure: RegionMeasure): DrawnApplied {
    return this.write.putDrawn(datasetId, label, name, box, measure);
  }

  /** One transaction: the region, its rows and their statistics go; undefined when there was no such region. */
  deleteDrawnRegion(datasetId: number, label: string, name: string, measure: RegionMeasure): number | undefined {
    return this.write.removeDrawn(datasetId, label, name, measure);
  }

  /** One transaction: drawn regions reach images a scan added or an audit decoded; a no-op when all are in place. */
  applyDrawnRegions(datasetId: number, measure: RegionMeasure): void {
    this.write.applyDrawn(datasetId, measure);
  }

  // Named concepts: a concept of an audit's maps turned into a region of every image containing it

  /** By class, concept, name. */
  conceptRegions(datasetId: number): ConceptRegionRow[] {
    return this.concepts.list(datasetId);
  }

  /** Names of the dataset's annotated and drawn regions, which a concept may not take. */
  nonConceptRegionNames(datasetId: number): string[] {
    return this.concepts.otherRegionNames(datasetId);
  }

  /**
   * One transaction: the concept's earlier name and rows, and another concept of the same
   * name, give way to one row per box. Statistics follow through refreshRegionStats.
   * Returns the name the concept had, or null.
   */
  nameConcept(source: ConceptSource, name: string, role: 'spurious' | 'evidence', boxes: readonly ConceptBox[]): string | null {
    return this.write.nameConcept(source, name, role, boxes);
  }

  /** One transaction: the concept's name and rows go; the name it had, or null when it had none. */
  unnameConcept(source: ConceptSource): string | null {
    return this.write.unnameConcept(source);
  }

  /**
   * One transaction: every result of the dataset whose region statistics were measured on
   * other boxes than its content's current ones is measured again from its stored map.
   * Returns how many results changed; no map is recomputed.
   */
  refreshRegionStats(datasetId: number, measures: RegionRefreshMeasures): number {
    return this.write.refreshRegions(datasetId, measures);
  }

  /** Content id -> its tags, sorted. */
  tags(datasetId: number): Map<number, string[]> {
    return this.tagList.list(datasetId);
  }

  // Review: what the app's views read

  dataset(id: number): DatasetRow | undefined {
    return this.datasets.byId(id);
  }

  allDatasets(): DatasetRow[] {
    return this.datasets.all();
  }

  model(id: number): ModelRow | undefined {
    return this.models.byId(id);
  }

  modelByPath(modelPath: string): ModelRow | undefined {
    return this.models.latestByPath(modelPath);
  }

  /** The result set's id, without creating it; undefined when nothing was ever computed for it. */
  findResultSet(modelId: number, layer: string, method: string): number | undefined {
    return this.results.findSet(modelId, layer, method);
  }

  datasetOverview(datasetId: number): DatasetOverview {
    return this.summary.overview(datasetId);
  }

  classResults(scope: GridScope, regions: readonly string[]): ClassResults[] {
    return this.summary.classResults(scope, regions);
  }

  mapScales(scope: GridScope): MapScales {
    return this.summary.mapScales(scope);
  }

  flaggedByClass(datasetId: number): Map<string, number> {
    return this.summary.flaggedByClass(datasetId);
  }

  storedAudits(datasetId: number): StoredAuditRow[] {
    return this.summary.storedAudits(datasetId);
  }

  gridIndex(scope: GridScope, filter: GridFilter, sort: GridSort, limit?: number): number[] {
    return this.grid.index(scope, filter, sort, limit);
  }

  gridCount(scope: GridScope, filter: GridFilter): number {
    return this.grid.count(scope, filter);
  }

  gridTiles(scope: GridScope, ids: readonly number[]): TileRow[] {
    return this.grid.tiles(scope, ids);
  }

  /** Every image's map of its own class (of one class, given a label), by label then path; images without one are absent. */
  ownClassMaps(datasetId: number, modelId: number, setId: number, classes: readonly string[], label?: string): ClassMapRow[] {
    return this.classMaps.all(datasetId, modelId, setId, classes, { label });
  }

  /**
   * What a class's clusters are made of: its images by their map of it, then the images
   * predicted as it while labelled otherwise, by that same class's map (of one class, given its name).
   */
  clusterMaps(datasetId: number, modelId: number, setId: number, classes: readonly string[], label?: string): ClassMapRow[] {
    return this.classMaps.all(datasetId, modelId, setId, classes, { label, misclassified: true });
  }

  /** Every image's weakly-supervised box (and map) for the target rule; images without that map are absent. */
  boxes(datasetId: number, modelId: number, setId: number, classes: readonly string[], target: BoxTarget): BoxRow[] {
    return this.boxRows.all(datasetId, modelId, setId, classes, target);
  }

  imageRecord(datasetId: number, imageId: number, modelId: number, setId: number): ImageRecord | undefined {
    return this.imageView.get(datasetId, imageId, modelId, setId);
  }

  // Maintenance

  /** File size after folding the WAL into it, and row counts: for the size benchmark. */
  sizeReport(): SizeReport {
    return this.maintenance.sizeReport();
  }
}
