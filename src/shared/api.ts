/**
 * The contract between the UI and the back end. One interface says what can be called;
 * the schemas check it at runtime; channel names derive from its keys. The preload, the
 * IPC wiring and the HTTP server are all typed from this file.
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { CallError, isErrorKind, type ApiError, type ErrorKind } from './errors';
import { AuditProgressSchema, AuditSettingsSchema, AuditSummarySchema, type AuditSettings } from './audit';
import { ClassClustersSchema, ClustersRequestSchema, type ClassClusters, type ClustersRequest } from './clusters';
import {
  ClassConceptsViewSchema,
  ConceptsRequestSchema,
  NameConceptRequestSchema,
  NameConceptResultSchema,
  TestConceptsRequestSchema,
  type ClassConceptsView,
  type ConceptsRequest,
  type NameConceptRequest,
  type NameConceptResult,
  type TestConceptsRequest,
} from './concepts';
import { CompareRequestSchema, CompareViewSchema, type CompareRequest, type CompareView } from './compare';
import {
  DeleteDrawnResultSchema,
  DrawnRegionRefSchema,
  DrawnRegionSchema,
  DrawRegionRequestSchema,
  DrawRegionResultSchema,
  type DeleteDrawnResult,
  type DrawnRegion,
  type DrawnRegionRef,
  type DrawRegionRequest,
  type DrawRegionResult,
} from './drawn-regions';
import type { MethodName } from './explain';
import { ExportRequestSchema, ExportResultSchema, NotesSchema, type ExportRequest, type ExportResult } from './exports';
import {
  DecisionChangeSchema,
  SpuriousRulesSchema,
  SuggestionListSchema,
  SuggestionsRequestSchema,
  type DecisionChange,
  type SpuriousRules,
  type SuggestionList,
  type SuggestionsRequest,
} from './suggestions';
import {
  AuditKeySchema,
  ClassSummarySchema,
  DatasetViewSchema,
  ExplanationSchema,
  GridIndexSchema,
  GridQuerySchema,
  ImageDetailSchema,
  MethodSchema,
  ModelViewSchema,
  RecentDatasetSchema,
  StoredAuditSchema,
  StoredDatasetSchema,
  SubgroupRowSchema,
  TagChangeSchema,
  TagCountSchema,
  TagsOfSchema,
  TileSchema,
  type AuditKey,
  type ClassSummary,
  type DatasetView,
  type Explanation,
  type GridIndex,
  type GridQuery,
  type ImageDetail,
  type ModelView,
  type StoredAudit,
  type StoredDataset,
  type SubgroupRow,
  type TagChange,
  type TagCount,
  type TagsOf,
  type Tile,
} from './views';

// ---------------------------------------------------------------- errors and results

export { CallError, ERROR_KINDS, isErrorKind, type ApiError, type ErrorKind } from './errors';

/** What crosses a process boundary: a value, or an error as data. Nothing throws across. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(kind: ErrorKind, message: string): Result<never> {
  return { ok: false, error: { kind, message } };
}

/** Checks the envelope only; the value is checked against the method's schema elsewhere. */
export function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'value' in value;
  if (value.ok !== false || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'kind' in error &&
    isErrorKind(error.kind) &&
    'message' in error &&
    typeof error.message === 'string'
  );
}


/** Turns anything thrown by the back end into the data that crosses the boundary. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof CallError) return { kind: error.kind, message: error.message };
  if (error instanceof z.ZodError) return { kind: 'invalid-input', message: formatIssues(error) };
  if (error instanceof Error) return { kind: 'internal', message: error.message };
  return { kind: 'internal', message: String(error) };
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Rebuilds a failure on the caller's side: "appInfo failed [not-found]: no such image".
 * The kind is also in the message because contextBridge copies only an Error's message.
 */
export function callError(method: string, error: ApiError): CallError {
  return new CallError(error.kind, `${method} failed [${error.kind}]: ${error.message}`);
}

const CALL_ERROR_MESSAGE = /^\w+ failed \[([a-z-]+)\]: /;

/** The kind of a failed call, from the error's field or, past contextBridge, its message. */
export function errorKindOf(error: unknown): ErrorKind | undefined {
  if (error instanceof CallError) return error.kind;
  if (!(error instanceof Error)) return undefined;
  const kind = CALL_ERROR_MESSAGE.exec(error.message)?.[1];
  return isErrorKind(kind) ? kind : undefined;
}

// ---------------------------------------------------------------- the contract

export const AppInfoSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1),
    node: z.string().min(1),
    /** Null when the back end is not Electron (`biascope serve`). */
    electron: z.string().min(1).nullable(),
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const AUDIT_STATUSES = ['running', 'paused', 'done', 'cancelled', 'failed'] as const;

/** An audit started from the UI: its settings, live progress, and how it ended. */
export const AuditStateSchema = z.object({
  status: z.enum(AUDIT_STATUSES),
  settings: AuditSettingsSchema,
  datasetId: z.number().int().nullable(),
  modelId: z.number().int().nullable(),
  /** The layer the maps read, once the model is loaded. */
  layer: z.string().nullable(),
  progress: AuditProgressSchema,
  summary: AuditSummarySchema.nullable(),
  /** Why it failed, in words. */
  error: z.string().nullable(),
});
export type AuditState = z.infer<typeof AuditStateSchema>;

/** Where the user left off, or the demo on a first run. */
export const StartupSchema = z.object({
  /** The demo shipped with the app, preselected on a first run. */
  demo: z.object({ dataset: z.string(), model: z.string() }).nullable(),
  recent: z.array(RecentDatasetSchema),
  /** The last reviewed audit, opened from the database without a re-scan. */
  last: z
    .object({
      dataset: DatasetViewSchema,
      model: ModelViewSchema,
      layer: z.string(),
      method: MethodSchema,
      /** The first screen of the default view (shared/views defaultView), saving the page a round trip. */
      firstScreen: GridIndexSchema,
    })
    .nullable(),
  /** The audit running now, if any. */
  audit: AuditStateSchema.nullable(),
  /** Whether native file pickers exist (the desktop app) or paths are typed (a browser). */
  dialogs: z.boolean(),
  /** Absolute; the Export dialog suggests a folder per dataset in it (shared/exports defaultExportFolder). */
  exportsRoot: z.string(),
});
export type Startup = z.infer<typeof StartupSchema>;

const Path = z.string().min(1);

/** What a native picker picks: a dataset folder, a model.json, or a folder to export into. */
export const PATH_KINDS = ['dataset', 'model', 'folder'] as const;
export type PathKind = (typeof PATH_KINDS)[number];
const DatasetRef = z.object({ datasetId: z.number().int().nonnegative() });

export interface BiascopeApi {
  /** Name and versions of the running back end. */
  appInfo(): Promise<AppInfo>;
  startup(): Promise<Startup>;
  /** A native picker (a folder for an export); `unsupported` in a browser. Null when the user cancels. */
  pickPath(request: { kind: PathKind }): Promise<string | null>;
  /** Scans a dataset folder (new files hashed, known ones only stat'ed) and allows its images to be served. */
  openDataset(request: { root: string }): Promise<DatasetView>;
  /** Loads a model to list its layers, and registers it. */
  openModel(request: { path: string }): Promise<ModelView>;
  /** Audits already stored for a dataset, newest first. */
  storedAudits(request: { datasetId: number }): Promise<StoredAudit[]>;
  /** Every dataset the database holds, with the audit run on it last. */
  storedDatasets(): Promise<StoredDataset[]>;
  /** Starts an audit; `conflict` while another runs. */
  startAudit(settings: AuditSettings): Promise<AuditState>;
  auditState(): Promise<AuditState | null>;
  pauseAudit(): Promise<AuditState | null>;
  resumeAudit(): Promise<AuditState | null>;
  cancelAudit(): Promise<AuditState | null>;
  classSummary(key: AuditKey): Promise<ClassSummary[]>;
  /** The ordered ids of a filtered, sorted grid. */
  gridIndex(query: GridQuery): Promise<GridIndex>;
  /** Tiles of the given image ids, in the same order. */
  gridTiles(request: { key: AuditKey; ids: number[] }): Promise<Tile[]>;
  imageDetail(request: { key: AuditKey; imageId: number }): Promise<ImageDetail>;
  /** Computes one map on demand (any method, any class). */
  explainImage(request: { key: AuditKey; imageId: number; method: MethodName; target: string }): Promise<Explanation>;
  /** Adds and removes tags on many images in one transaction; returns their tags now. */
  setTags(change: TagChange): Promise<TagsOf>;
  tagCounts(request: { datasetId: number }): Promise<TagCount[]>;
  /** Class x group table: by a manifest attribute, or by CLUSTER_GROUP for SpRAy clusters. */
  subgroups(request: { key: AuditKey; groupBy: string }): Promise<SubgroupRow[]>;
  /** One class's SpRAy clusters for the cluster view; `invalid-input` when the audit stored no maps of the labels. */
  clusters(request: ClustersRequest): Promise<ClassClusters>;
  /** One class's region-free concepts for the concept view; `invalid-input` when the audit ran without concepts. */
  concepts(request: ConceptsRequest): Promise<ClassConceptsView>;
  /**
   * Runs the causal tests of the audit's concepts on the model worker (seconds: a few
   * hundred edited images a concept), or reuses the stored ones; the class's view with them.
   */
  testConcepts(request: TestConceptsRequest): Promise<ClassConceptsView>;
  /**
   * Names a concept: a region of that name, with a role, on every image containing it
   * (the box of its cells there), measured on the stored maps like a drawn region; a new
   * name renames it, a null name takes it off.
   */
  nameConcept(request: NameConceptRequest): Promise<NameConceptResult>;
  /** Which regions of a dataset are spurious or evidence, and the focus threshold. */
  spuriousRules(request: { datasetId: number }): Promise<SpuriousRules>;
  setSpuriousRules(request: { datasetId: number; rules: SpuriousRules }): Promise<SpuriousRules>;
  /** Images of an audit whose maps the rules suggest as spurious focus, with the decisions taken. */
  suggestions(request: SuggestionsRequest): Promise<SuggestionList>;
  /** Accepts, rejects or forgets suggestions (accepting tags spurious:<region>); returns their tags now. */
  decideSuggestions(change: DecisionChange): Promise<TagsOf>;
  /** Writes an export of an audit into a folder: the report (HTML, PDF), the rebalancing lists, or any kind of shared/exports. */
  exportFindings(request: ExportRequest): Promise<ExportResult>;
  /** The user's notes on a dataset's audit (printed in the report); empty when none. */
  notes(request: { datasetId: number }): Promise<string>;
  setNotes(request: { datasetId: number; text: string }): Promise<string>;
  /** Regions drawn on a class and applied to all its images, by label then name. */
  drawnRegions(request: { datasetId: number }): Promise<DrawnRegion[]>;
  /** Draws (or redraws) a region on every image of a class; it counts in the statistics like an annotated one. */
  drawRegion(request: DrawRegionRequest): Promise<DrawRegionResult>;
  /** Removes a drawn region from its class's images and their statistics; `not-found` when there is none. */
  deleteDrawnRegion(request: DrawnRegionRef): Promise<DeleteDrawnResult>;
  /** Two audits of one dataset per class (and group): accuracy, spurious share, mass per region, B minus A. */
  compareAudits(request: CompareRequest): Promise<CompareView>;
}

export type ApiMethod = keyof BiascopeApi;
export type ApiArgs<M extends ApiMethod> = Parameters<BiascopeApi[M]>;
export type ApiValue<M extends ApiMethod> = Awaited<ReturnType<BiascopeApi[M]>>;

export interface MethodSchema<A extends unknown[], V> {
  args: z.ZodType<A>;
  value: z.ZodType<V>;
}

/**
 * Runtime schemas of every method, checked against the interface: a method missing
 * here, or a schema that disagrees with its signature, does not compile.
 */
export const API_SCHEMAS: { readonly [M in ApiMethod]: MethodSchema<ApiArgs<M>, ApiValue<M>> } = {
  appInfo: { args: z.tuple([]), value: AppInfoSchema },
  startup: { args: z.tuple([]), value: StartupSchema },
  pickPath: { args: z.tuple([z.object({ kind: z.enum(PATH_KINDS) })]), value: z.string().nullable() },
  openDataset: { args: z.tuple([z.object({ root: Path })]), value: DatasetViewSchema },
  openModel: { args: z.tuple([z.object({ path: Path })]), value: ModelViewSchema },
  storedAudits: { args: z.tuple([DatasetRef]), value: z.array(StoredAuditSchema) },
  storedDatasets: { args: z.tuple([]), value: z.array(StoredDatasetSchema) },
  startAudit: { args: z.tuple([AuditSettingsSchema]), value: AuditStateSchema },
  auditState: { args: z.tuple([]), value: AuditStateSchema.nullable() },
  pauseAudit: { args: z.tuple([]), value: AuditStateSchema.nullable() },
  resumeAudit: { args: z.tuple([]), value: AuditStateSchema.nullable() },
  cancelAudit: { args: z.tuple([]), value: AuditStateSchema.nullable() },
  classSummary: { args: z.tuple([AuditKeySchema]), value: z.array(ClassSummarySchema) },
  gridIndex: { args: z.tuple([GridQuerySchema]), value: GridIndexSchema },
  gridTiles: {
    args: z.tuple([z.object({ key: AuditKeySchema, ids: z.array(z.number().int().nonnegative()).max(2000) })]),
    value: z.array(TileSchema),
  },
  imageDetail: { args: z.tuple([z.object({ key: AuditKeySchema, imageId: z.number().int() })]), value: ImageDetailSchema },
  explainImage: {
    args: z.tuple([z.object({ key: AuditKeySchema, imageId: z.number().int(), method: MethodSchema, target: z.string() })]),
    value: ExplanationSchema,
  },
  setTags: { args: z.tuple([TagChangeSchema]), value: TagsOfSchema },
  tagCounts: { args: z.tuple([DatasetRef]), value: z.array(TagCountSchema) },
  subgroups: { args: z.tuple([z.object({ key: AuditKeySchema, groupBy: z.string().min(1) })]), value: z.array(SubgroupRowSchema) },
  clusters: { args: z.tuple([ClustersRequestSchema]), value: ClassClustersSchema },
  concepts: { args: z.tuple([ConceptsRequestSchema]), value: ClassConceptsViewSchema },
  testConcepts: { args: z.tuple([TestConceptsRequestSchema]), value: ClassConceptsViewSchema },
  nameConcept: { args: z.tuple([NameConceptRequestSchema]), value: NameConceptResultSchema },
  spuriousRules: { args: z.tuple([DatasetRef]), value: SpuriousRulesSchema },
  setSpuriousRules: {
    args: z.tuple([z.object({ datasetId: z.number().int().nonnegative(), rules: SpuriousRulesSchema })]),
    value: SpuriousRulesSchema,
  },
  suggestions: { args: z.tuple([SuggestionsRequestSchema]), value: SuggestionListSchema },
  decideSuggestions: { args: z.tuple([DecisionChangeSchema]), value: TagsOfSchema },
  exportFindings: { args: z.tuple([ExportRequestSchema]), value: ExportResultSchema },
  notes: { args: z.tuple([DatasetRef]), value: NotesSchema },
  setNotes: { args: z.tuple([z.object({ datasetId: z.number().int().nonnegative(), text: NotesSchema })]), value: NotesSchema },
  drawnRegions: { args: z.tuple([DatasetRef]), value: z.array(DrawnRegionSchema) },
  drawRegion: { args: z.tuple([DrawRegionRequestSchema]), value: DrawRegionResultSchema },
  deleteDrawnRegion: { args: z.tuple([DrawnRegionRefSchema]), value: DeleteDrawnResultSchema },
  compareAudits: { args: z.tuple([CompareRequestSchema]), value: CompareViewSchema },
};

export const API_METHODS = Object.freeze(Object.keys(API_SCHEMAS) as ApiMethod[]);

export function isApiMethod(value: unknown): value is ApiMethod {
  return typeof value === 'string' && Object.hasOwn(API_SCHEMAS, value);
}

// ---------------------------------------------------------------- channels

export const CHANNEL_PREFIX = 'biascope:';

/** "appInfo" -> "app-info", at the type level. */
type Kebab<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `-${Lowercase<Head>}`}${Kebab<Tail>}`
  : S;

export type ChannelOf<M extends string> = `${typeof CHANNEL_PREFIX}${Kebab<M>}`;

/** The channel (IPC) or route segment (HTTP) of a method: "appInfo" -> "biascope:app-info". */
export function channelOf<M extends string>(method: M): ChannelOf<M> {
  const kebab = method.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return `${CHANNEL_PREFIX}${kebab}` as ChannelOf<M>;
}

export const CHANNELS = Object.freeze(
  Object.fromEntries(API_METHODS.map((method) => [method, channelOf(method)])),
) as { readonly [M in ApiMethod]: ChannelOf<M> };
