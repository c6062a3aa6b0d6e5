/**
 * Two stored audits of one dataset compared, as the compare dialog and `biascope
 * export compare` read it: the keys checked against the database, the images listed
 * once and each audit's findings read once, and analysis/compare doing the arithmetic.
 */
import { CallError } from '../../shared/api';
import type { AuditDescription, CompareRequest, CompareView } from '../../shared/compare';
import type { SpuriousRules } from '../../shared/suggestions';
import type { AuditKey } from '../../shared/views';
import { CLUSTER_GROUP } from '../../shared/views';
import { compareAudits, type AuditedImage } from './compare';
import type { DatasetOverview, GridScope, ImageRow, Store } from '../store';

/** The audit's scope, or not-found: an unknown model, or nothing stored for its layer and method. */
function resolve(store: Store, key: AuditKey, name: 'a' | 'b'): { scope: GridScope; modelPath: string } {
  const model = store.model(key.modelId);
  if (!model) throw new CallError('not-found', `audit ${name}: model ${key.modelId} does not exist`);
  const setId = store.findResultSet(key.modelId, key.layer, key.method);
  if (setId === undefined) {
    throw new CallError('not-found', `audit ${name}: nothing is stored for ${model.path} at layer ${key.layer} with ${key.method}`);
  }
  return { scope: { datasetId: key.datasetId, modelId: key.modelId, setId, classes: model.classes }, modelPath: model.path };
}

/**
 * Every present image as one audit saw it. Explained means a stored map of the
 * predicted class in this audit's set, as the class list counts it (a prediction alone
 * may come from the same model at another layer). The same query as the suggestions,
 * so the spurious share agrees with them to the image.
 */
function auditedImages(store: Store, scope: GridScope, images: readonly ImageRow[], regions: readonly string[]): AuditedImage[] {
  const focus = new Map(store.focusRows(scope, regions).map((row) => [row.path, row]));
  return images.map((image) => {
    const seen = focus.get(image.path);
    return { path: image.path, label: image.label, attributes: image.attributes, predicted: seen?.predicted ?? null, masses: seen?.masses ?? new Map() };
  });
}

export interface CompareOptions {
  /** Saves a pass over the images when the caller keeps one. */
  overview?: DatasetOverview;
  /** Rules to judge spurious focus by instead of the dataset's stored ones (the command line names its own). */
  rules?: SpuriousRules;
}

export function compareView(store: Store, request: CompareRequest, options: CompareOptions = {}): CompareView {
  const { a, b, groupBy } = request;
  if (a.datasetId !== b.datasetId) {
    throw new CallError('invalid-input', `the two audits are of different datasets (${a.datasetId} and ${b.datasetId}): compare two audits of one dataset`);
  }
  if (a.modelId === b.modelId && a.layer === b.layer && a.method === b.method) {
    throw new CallError('invalid-input', 'a and b are the same audit: choose another one to compare with');
  }
  if (!store.dataset(a.datasetId)) throw new CallError('not-found', `dataset ${a.datasetId} does not exist`);
  const { regions, attributes } = options.overview ?? store.datasetOverview(a.datasetId);
  if (groupBy === CLUSTER_GROUP) {
    throw new CallError('invalid-input', "clusters cannot be compared: each audit's maps cluster differently. Group by an attribute");
  }
  if (groupBy !== null && !attributes.some((attribute) => attribute.name === groupBy)) {
    const known = attributes.length > 0 ? `it has ${attributes.map((x) => x.name).join(', ')}` : 'it has none';
    throw new CallError('invalid-input', `no image has the attribute ${JSON.stringify(groupBy)}: ${known}`);
  }
  const modelA = resolve(store, a, 'a');
  const modelB = resolve(store, b, 'b');
  const images = store.listImages(a.datasetId);
  const imagesA = auditedImages(store, modelA.scope, images, regions);
  const imagesB = auditedImages(store, modelB.scope, images, regions);
  const rules = options.rules ?? store.spuriousRules(a.datasetId);
  const comparison = compareAudits(imagesA, imagesB, { groupBy, rules, regions });
  const describe = (key: AuditKey, modelPath: string, seen: readonly AuditedImage[]): AuditDescription => ({
    key,
    modelPath,
    layer: key.layer,
    method: key.method,
    audited: seen.filter((image) => image.predicted !== null).length,
  });
  return {
    a: describe(a, modelA.modelPath, imagesA),
    b: describe(b, modelB.modelPath, imagesB),
    groupBy,
    regions: [...regions],
    rules,
    ...comparison,
  };
}
