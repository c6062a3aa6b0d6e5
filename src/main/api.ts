/**
 * The back end as one object implementing the contract, and the one way a transport
 * calls it. IPC (electron/) and HTTP (serve/) both go through `dispatch`, so every call
 * is checked against the contract and every failure comes back as data.
 */
import {
  API_SCHEMAS,
  CallError,
  fail,
  ok,
  toApiError,
  type ApiMethod,
  type BiascopeApi,
  type ErrorKind,
  type Result,
} from '../shared/api';
import type { StoreErrorKind } from './store/errors';
import type { Workspace } from './workspace/workspace';

export interface ApiOptions {
  /** Product name and version, from package.json (or Electron's `app`). */
  name: string;
  version: string;
}

/** The contract over a workspace: each method is a thin call, so transports and tests see one surface. */
export function createApi(options: ApiOptions, workspace: Workspace): BiascopeApi {
  return {
    appInfo: () =>
      Promise.resolve({
        name: options.name,
        version: options.version,
        node: process.versions.node,
        electron: process.versions['electron'] ?? null,
      }),
    startup: async () => workspace.startup(),
    pickPath: ({ kind }) => workspace.pickPath(kind),
    openDataset: ({ root }) => workspace.openDataset(root),
    openModel: ({ path }) => workspace.openModel(path),
    storedAudits: async ({ datasetId }) => workspace.storedAudits(datasetId),
    storedDatasets: async () => workspace.storedDatasets(),
    startAudit: async (settings) => workspace.startAudit(settings),
    auditState: async () => workspace.auditState(),
    pauseAudit: async () => workspace.pauseAudit(),
    resumeAudit: async () => workspace.resumeAudit(),
    cancelAudit: async () => workspace.cancelAudit(),
    classSummary: async (key) => workspace.classSummary(key),
    gridIndex: async (query) => workspace.gridIndex(query),
    gridTiles: async ({ key, ids }) => workspace.gridTiles(key, ids),
    imageDetail: async ({ key, imageId }) => workspace.imageDetail(key, imageId),
    explainImage: ({ key, imageId, method, target }) => workspace.explainImage(key, imageId, method, target),
    setTags: async (change) => workspace.setTags(change),
    tagCounts: async ({ datasetId }) => workspace.tagCounts(datasetId),
    subgroups: async ({ key, groupBy }) => workspace.findings.subgroups(key, groupBy),
    clusters: async ({ key, label, k }) => workspace.findings.clusters(key, label, k),
    concepts: (request) => workspace.findings.concepts(request),
    testConcepts: (request) => workspace.findings.testConcepts(request),
    nameConcept: async (request) => workspace.findings.nameConcept(request),
    spuriousRules: async ({ datasetId }) => workspace.findings.spuriousRules(datasetId),
    setSpuriousRules: async ({ datasetId, rules }) => workspace.findings.setSpuriousRules(datasetId, rules),
    suggestions: async (request) => workspace.findings.suggestions(request),
    decideSuggestions: async (change) => workspace.findings.decideSuggestions(change),
    exportFindings: (request) => workspace.findings.exportFindings(request),
    notes: async ({ datasetId }) => workspace.findings.notes(datasetId),
    setNotes: async ({ datasetId, text }) => workspace.findings.setNotes(datasetId, text),
    drawnRegions: async ({ datasetId }) => workspace.drawnRegions(datasetId),
    drawRegion: async (request) => workspace.drawRegion(request),
    deleteDrawnRegion: async (ref) => workspace.deleteDrawnRegion(ref),
    compareAudits: async (request) => workspace.findings.compareAudits(request),
  };
}

/**
 * Calls one method with arguments from an untrusted caller. Arguments are parsed with
 * the method's schema; the value is parsed too, so a back end that drifts from the
 * contract fails here, loudly, rather than in the UI.
 */
export async function dispatch(
  api: BiascopeApi,
  method: ApiMethod,
  args: readonly unknown[],
): Promise<Result<unknown>> {
  const schema = API_SCHEMAS[method];
  try {
    const parsedArgs: unknown[] = schema.args.parse(args);
    const call = api[method] as (...callArgs: unknown[]) => Promise<unknown>;
    const value = await call.apply(api, parsedArgs);
    const checked = schema.value.safeParse(value);
    if (!checked.success) {
      const issues = toApiError(checked.error).message;
      return fail('internal', `${method} returned a value outside the contract: ${issues}`);
    }
    return ok(checked.data);
  } catch (error) {
    return { ok: false, error: toApiError(inContractWords(error)) };
  }
}

const STORE_ERROR_KINDS: Readonly<Record<StoreErrorKind, ErrorKind>> = {
  'newer-schema': 'unsupported',
  'not-a-database': 'invalid-input',
  locked: 'conflict',
  invalid: 'invalid-input',
  'disk-full': 'resource',
  io: 'resource',
};

/** Failures of the machine in the contract's words: a full disk is not a bug, and needs no stack. */
function inContractWords(error: unknown): unknown {
  // By name, not instanceof: the store's module (and SQLite) need not be loaded to report.
  if (error instanceof Error && error.name === 'StoreError' && (error as Error & { kind?: string }).kind! in STORE_ERROR_KINDS) {
    return new CallError(STORE_ERROR_KINDS[(error as Error & { kind: StoreErrorKind }).kind], error.message);
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const where = (error as NodeJS.ErrnoException).path;
    return new CallError('resource', `disk full${where ? ` at ${where}` : ''}: free some space and try again`);
  }
  return error;
}
