/**
 * The calls that turn an audit into findings: subgroup tables, clusters, region roles
 * and spurious-focus suggestions, comparison of two audits, notes, and exports. Each is
 * a thin step over analysis/ and export/, sharing the workspace's store and caches.
 */
import { CallError } from '../../shared/api';
import type { ClassClusters } from '../../shared/clusters';
import type { CompareRequest, CompareView } from '../../shared/compare';
import type { ExportRequest, ExportResult } from '../../shared/exports';
import { SUGGESTION_PAGE, type DecisionChange, type SpuriousRules, type SuggestionList, type SuggestionsRequest } from '../../shared/suggestions';
import { CLUSTER_GROUP, type AuditKey, type SubgroupRow, type TagsOf } from '../../shared/views';
import { NO_GROUP } from '../analysis/rebalance';
import { clusterClasses } from '../analysis/spray/audit-clusters';
import { subgroupTable } from '../analysis/subgroups';
import type { PdfPrinter } from '../export/report/pdf';
import { trustSample } from '../analysis/trust-sample';
import { checkRules } from '../analysis/region-roles';
import { compareView } from '../analysis/compare-view';
import type { DatasetOverview, GridScope, Store } from '../store';
import { clusterLayout } from './cluster-view';
import { exportFindings } from './exports';
import type { ModelService } from './model-service';
import type { ResultCache } from './result-cache';
import { suggestionsOf } from './suggestions-view';

/** What the findings need of the workspace. */
export interface FindingsContext {
  store: Store;
  cache: ResultCache;
  models: ModelService;
  printPdf: PdfPrinter;
  /** Checks an audit key and resolves its result set and classes. */
  scope(key: AuditKey): GridScope;
  overview(datasetId: number): DatasetOverview;
  /** Throws not-found for a dataset the database does not hold. */
  requireDataset(datasetId: number): void;
}

export class Findings {
  constructor(private readonly context: FindingsContext) {}

  subgroups(key: AuditKey, groupBy: string): SubgroupRow[] {
    const scope = this.context.scope(key);
    const rows = this.context.store.auditRows(key.datasetId, key.modelId, key.layer, key.method);
    const tags = this.context.store.tagsOf(key.datasetId, rows.map((r) => r.contentId));
    let groupOf = (row: (typeof rows)[number]): string => row.attributes[groupBy] ?? NO_GROUP;
    if (groupBy === CLUSTER_GROUP) {
      const maps = scope.setId < 0 ? [] : this.context.store.clusterMaps(key.datasetId, key.modelId, scope.setId, scope.classes);
      // An image's group is its cluster in its own label's class, as the Clusters view numbers it.
      const clusters = new Map(clusterClasses(maps).flatMap((c) => c.images.filter((i) => i.role === 'label').map((i) => [i.path, `cluster ${i.cluster}`] as const)));
      groupOf = (row) => clusters.get(row.path) ?? NO_GROUP;
    } else if (!rows.some((row) => groupBy in row.attributes)) {
      throw new CallError('invalid-input', `no image has the attribute ${JSON.stringify(groupBy)}`);
    }
    const inputs = rows.map((row) => ({
      label: row.label,
      group: groupOf(row),
      predicted: row.prediction ? (scope.classes[row.prediction.predicted] ?? null) : null,
      confidence: row.prediction?.prob ?? null,
      tags: tags.get(row.contentId) ?? [],
      mass: new Map(row.stats?.regions.map((r) => [r.name, r.mass]) ?? []),
    }));
    return subgroupTable(inputs, this.context.overview(key.datasetId).regions);
  }

  /** One class's cluster view: the clustering is kept until results change; tags are read at each call. */
  clusters(key: AuditKey, label: string, k?: number): ClassClusters {
    const scope = this.context.scope(key);
    const layout = this.context.cache.get(`clusters\n${JSON.stringify(key)}\n${label}\n${k ?? ''}`, () =>
      clusterLayout({ store: this.context.store, scope, classes: this.context.overview(key.datasetId).classes, label, k }),
    );
    const tags = this.context.store.tagsOf(key.datasetId, layout.clusters.flatMap((c) => c.contentIds));
    return { ...layout, tagged: [...tags].map(([contentId, names]) => ({ contentId, tags: names })) };
  }

  spuriousRules(datasetId: number): SpuriousRules {
    this.context.requireDataset(datasetId);
    return this.context.store.spuriousRules(datasetId);
  }

  setSpuriousRules(datasetId: number, rules: SpuriousRules): SpuriousRules {
    this.context.requireDataset(datasetId);
    checkRules(rules, this.context.overview(datasetId).regions);
    const stored = this.context.store.spuriousRules(datasetId);
    const same = (a: readonly string[], b: readonly string[]) => new Set(a).size === b.length && a.every((name) => b.includes(name));
    // Roles set again as they were are not written: the store's revision, and with it every export, stays.
    if (same(rules.spurious, stored.spurious) && same(rules.evidence, stored.evidence) && rules.threshold === stored.threshold) return stored;
    this.context.store.setSpuriousRules(datasetId, { ...rules, spurious: [...new Set(rules.spurious)], evidence: [...new Set(rules.evidence)] });
    return this.context.store.spuriousRules(datasetId);
  }

  suggestions({ key, limit }: SuggestionsRequest): SuggestionList {
    return suggestionsOf(this.context.store, this.context.scope(key), { limit: limit ?? SUGGESTION_PAGE });
  }

  /** Accepts, rejects or forgets suggestions; returns the images' tags now (accepting tags them). */
  decideSuggestions(change: DecisionChange): TagsOf {
    const scope = this.context.scope(change.key);
    if (scope.setId < 0) throw new CallError('not-found', 'this audit has no results yet');
    const wanted = new Set(change.contentIds);
    const items = suggestionsOf(this.context.store, scope, { contentIds: [...wanted] }).items;
    const missing = [...wanted].filter((id) => !items.some((item) => item.contentId === id));
    if (missing.length > 0) throw new CallError('invalid-input', `not suggested under the current rules: content ${missing.slice(0, 5).join(', ')}`);
    this.context.store.decide(scope.datasetId, scope.setId, items, change.decision);
    const all = this.context.store.tagsOf(scope.datasetId, [...wanted]);
    return [...wanted].map((contentId) => ({ contentId, tags: all.get(contentId) ?? [] }));
  }

  /** Kept until results change: a pass over both audits' rows; the rules are part of the key. */
  compareAudits(request: CompareRequest): CompareView {
    const rules = this.context.store.dataset(request.a.datasetId) ? this.context.store.spuriousRules(request.a.datasetId) : undefined;
    return this.context.cache.get(`compare\n${JSON.stringify(request)}\n${JSON.stringify(rules)}`, () =>
      compareView(this.context.store, request, { overview: this.context.overview(request.a.datasetId), ...(rules ? { rules } : {}) }),
    );
  }

  notes(datasetId: number): string {
    this.context.requireDataset(datasetId);
    return this.context.store.notes(datasetId);
  }

  setNotes(datasetId: number, text: string): string {
    this.context.requireDataset(datasetId);
    this.context.store.setNotes(datasetId, text);
    return this.context.store.notes(datasetId);
  }

  /** Writes an export of an audit (any kind of export/registry) into a folder. */
  async exportFindings(request: ExportRequest): Promise<ExportResult> {
    const { store } = this.context;
    return exportFindings(
      {
        store,
        printPdf: this.context.printPdf,
        scope: (key) => this.context.scope(key),
        requireDataset: (datasetId) => this.context.requireDataset(datasetId),
        overview: (datasetId) => this.context.overview(datasetId),
        checkTrust: (key, sample) => {
          const model = store.model(key.modelId)!;
          const images = trustSample(store, { datasetId: key.datasetId, modelId: key.modelId, ...(sample ? { sample } : {}) });
          return this.context.models.checkTrust(model, images, { layer: key.layer, method: key.method });
        },
      },
      request,
    );
  }
}
