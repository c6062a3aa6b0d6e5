/**
 * The calls that turn an audit into findings: subgroup tables, clusters, region roles
 * and spurious-focus suggestions, comparison of two audits, notes, and exports. Each is
 * a thin step over analysis/ and export/, sharing the workspace's store and caches.
 */
import { CallError } from '../../shared/api';
import type { ClassClusters } from '../../shared/clusters';
import type { ClassConceptsView, ConceptsRequest, NameConceptRequest, NameConceptResult, TestConceptsRequest } from '../../shared/concepts';
import type { Framing } from '../../shared/map-frame';
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
import { checkConceptName, conceptBoxes, conceptSource, requireConcept, rulesWithConcept, sameSource } from './concept-names';
import { refreshRegionStats } from '../analysis/region-refresh';
import { DEFAULT_CAUSAL_CAPS, QUICK_CAUSAL_CAPS } from '../analysis/concepts/causal';
import { conceptFits, conceptLayout, DEFAULT_CONCEPT_SEED, emptyConceptLayout, requireConceptClass, type AuditConceptFits, type ConceptLayout } from './concept-view';
import { conceptFindings, conceptTestsKey, storedTestsOfFit } from './concepts';
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
  /** The model's crop: where its maps sit on their images. */
  framing(modelId: number): Framing | undefined;
  /** Throws not-found for a dataset the database does not hold. */
  requireDataset(datasetId: number): void;
}

export class Findings {
  /** Causal tests running now, by what they store: a second call waits for the first. */
  private readonly testRuns = new Map<string, Promise<void>>();

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

  /**
   * One class's concepts: the fit of every class is kept until results change (one fit
   * per result set, k and seed), the class's view with its colours likewise; tags and
   * the stored causal tests are read at each call (an export may have run them since).
   * Read only: the model never runs here.
   */
  async concepts({ key, label, k, seed = DEFAULT_CONCEPT_SEED }: ConceptsRequest): Promise<ClassConceptsView> {
    const scope = this.context.scope(key);
    requireConceptClass(scope, label);
    const { audit, fit, fitKey } = this.conceptFit(scope, key, label, k, seed);
    const layoutKey = `concept-view\n${fitKey}\n${label}`;
    const layout = await this.context.cache.get<Promise<ConceptLayout>>(layoutKey, async () =>
      fit
        ? conceptLayout({ fit, classes: scope.classes, framing: this.context.framing(key.modelId), root: this.context.store.dataset(key.datasetId)!.root, seed })
        : emptyConceptLayout(label, seed),
    );
    const tags = this.context.store.tagsOf(key.datasetId, layout.concepts.flatMap((c) => c.dominatedContentIds));
    const named = this.context.store.conceptRegions(key.datasetId);
    const stored = this.storedConceptTests(scope, audit, { k, seed });
    // The tests are per class of the fit, then per concept id: the view's index is the id.
    const tests = stored?.tests.find((c) => c.label === label)?.tests ?? null;
    return {
      ...layout,
      concepts: layout.concepts.map((concept) => {
        const row = named.find((r) => sameSource(r, conceptSource(scope, { key, label, k, seed, concept: concept.index })));
        return { ...concept, name: row?.name ?? null, role: row?.role ?? null, test: tests?.[concept.index] ?? null };
      }),
      tests: stored && tests ? { caps: stored.caps, quick: stored.quick } : null,
      testCaps: { standard: DEFAULT_CAUSAL_CAPS, quick: QUICK_CAUSAL_CAPS },
      tagged: [...tags].map(([contentId, names]) => ({ contentId, tags: names })),
    };
  }

  /**
   * Runs the causal tests of every class's concepts (they are stored per audit, fit and
   * caps), unless tests with the standard caps, or the caps asked for, are stored for
   * this very fit; then the class's view with them. Two calls for the same tests share
   * one run.
   */
  async testConcepts({ quick = false, ...request }: TestConceptsRequest): Promise<ClassConceptsView> {
    const { key, label, k, seed = DEFAULT_CONCEPT_SEED } = request;
    const scope = this.context.scope(key);
    requireConceptClass(scope, label);
    const { audit } = this.conceptFit(scope, key, label, k, seed);
    if (audit.fits.length === 0) throw new CallError('invalid-input', 'no map of this audit has evidence regions: there is no concept to test');
    const stored = this.storedConceptTests(scope, audit, { k, seed });
    if (!stored || (stored.quick && !quick)) {
      const caps = quick ? QUICK_CAUSAL_CAPS : DEFAULT_CAUSAL_CAPS;
      const runKey = `${JSON.stringify(conceptTestsKey({ datasetId: key.datasetId, setId: scope.setId, descriptorLayer: audit.descriptorLayer }, { seed, k }, caps))}\n${audit.fingerprint}`;
      let run = this.testRuns.get(runKey);
      if (!run) {
        const { store, models } = this.context;
        run = conceptFindings({ store, predict: (model, images) => models.predict(model, images) }, { key, setId: scope.setId }, { seed, ...(k === undefined ? {} : { k }), tests: caps })
          .then(() => undefined)
          .finally(() => this.testRuns.delete(runKey));
        this.testRuns.set(runKey, run);
      }
      await run;
    }
    return this.concepts({ key, label, k, seed });
  }

  /** The stored tests of the fit: the standard caps' first, else the quick ones'; null when neither ran on these components. */
  private storedConceptTests(scope: GridScope, audit: AuditConceptFits, fit: { k: number | undefined; seed: number }) {
    const where = { datasetId: scope.datasetId, setId: scope.setId, descriptorLayer: audit.descriptorLayer };
    const classes = audit.fits.map((f) => f.concepts);
    for (const [caps, quick] of [[DEFAULT_CAUSAL_CAPS, false], [QUICK_CAUSAL_CAPS, true]] as const) {
      const tests = storedTestsOfFit(this.context.store, conceptTestsKey(where, fit, caps), audit.fingerprint, classes);
      if (tests) return { tests, caps, quick };
    }
    return null;
  }

  /** The fit of every class of an audit, kept until results change; the class's own, if its maps have evidence. */
  private conceptFit(scope: GridScope, key: AuditKey, label: string, k: number | undefined, seed: number) {
    const fitKey = `concept-fits\n${JSON.stringify(key)}\n${scope.setId}\n${k ?? ''}\n${seed}`;
    const audit = this.context.cache.get(fitKey, () => conceptFits({ store: this.context.store, scope, k, seed }));
    return { audit, fit: audit.fits.find((f) => f.concepts.label === label), fitKey };
  }

  /**
   * Names, renames or un-names a concept: its regions are written (or removed), its
   * role set in the region roles, and every stored map measured on the new boxes.
   */
  nameConcept(request: NameConceptRequest): NameConceptResult {
    const { key, label, k, seed = DEFAULT_CONCEPT_SEED, concept, name, role } = request;
    const { store } = this.context;
    const scope = this.context.scope(key);
    requireConceptClass(scope, label);
    const fit = requireConcept(this.conceptFit(scope, key, label, k, seed).fit, label, concept);
    const source = conceptSource(scope, request);
    let previous: string | null;
    let images = 0;
    if (name === null) {
      previous = store.unnameConcept(source);
    } else {
      checkConceptName(name, store.nonConceptRegionNames(key.datasetId));
      const boxes = conceptBoxes(fit, concept, this.context.framing(key.modelId));
      if (boxes.length === 0) throw new CallError('invalid-input', `no image containing ${label} concept ${concept} has a known size yet: audit it first`);
      previous = store.nameConcept(source, name, role, boxes);
      images = boxes.length;
    }
    // The region names changed: the overview (and everything cached from the statistics) is stale.
    this.context.cache.invalidate();
    // A name another concept still carries keeps its role.
    const gone = previous !== null && !store.conceptRegions(key.datasetId).some((r) => r.name === previous) ? previous : null;
    this.setSpuriousRules(key.datasetId, rulesWithConcept(store.spuriousRules(key.datasetId), gone, name, role));
    refreshRegionStats(store, key.datasetId);
    this.context.cache.invalidate();
    return { name, role: name === null ? null : role, images, previous };
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
        conceptFindings: (key, setId, conceptRequest) =>
          conceptFindings({ store, predict: (model, images) => this.context.models.predict(model, images) }, { key, setId }, conceptRequest),
      },
      request,
    );
  }
}
