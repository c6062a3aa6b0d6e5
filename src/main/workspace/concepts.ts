/**
 * An audit's region-free concepts and, when asked, their causal tests: the one entry the
 * concepts export (and later the report and the app) use. The tests edit and predict a
 * few hundred images per concept, so their answer is stored (schema 7) under the fit's
 * and tests' options and a fingerprint of the components they ran on, and reused.
 */
import { createHash } from 'node:crypto';
import { CallError } from '../../shared/api';
import { ModelConfigSchema } from '../../shared/model-config';
import type { AuditKey } from '../../shared/views';
import { auditConceptFits } from '../analysis/concepts';
import { testConcepts, type CausalCaps, type ClassConceptTests, type ConceptFindings, type ConceptFindingsRequest } from '../analysis/concepts/causal';
import type { RgbImage } from '../engine/preprocess';
import type { ComponentRow, ConceptTestsKey, ModelRow, Store } from '../store';

export interface ConceptServices {
  store: Store;
  /** Probabilities of images at the model's input size, on the model worker. */
  predict(model: ModelRow, images: Uint8Array[]): Promise<Float32Array[]>;
}

/** Changes whenever a component the tests read changes: a re-audit, a new image, a new label. */
export function componentsFingerprint(rows: readonly ComponentRow[]): string {
  const hash = createHash('sha256');
  for (const row of rows) {
    hash.update(`${row.path}\n${row.label}\n${row.predicted}\n${row.target}\n${row.width}x${row.height}\n${row.share}\n${row.cx}\n${row.cy}\n`);
    hash.update(row.cells);
    hash.update(new Uint8Array(row.descriptor.buffer, row.descriptor.byteOffset, row.descriptor.byteLength));
  }
  return hash.digest('hex');
}

/** Where the tests of one fit (seed, k) and caps are stored: the export, the report and the app share it. */
export function conceptTestsKey(
  audit: { datasetId: number; setId: number; descriptorLayer: string },
  fit: { seed: number; k?: number | undefined },
  caps: CausalCaps,
): ConceptTestsKey {
  return { ...audit, options: JSON.stringify({ seed: fit.seed, k: fit.k ?? null, caps: { flips: caps.flips, errors: caps.errors, transplant: caps.transplant } }) };
}

/**
 * The stored tests of a fit, read only: null unless they ran on these very components
 * and have one entry per class and per concept of the fit (the same fit: the tests are
 * indexed by class, then by concept id).
 */
export function storedTestsOfFit(
  store: Store,
  key: ConceptTestsKey,
  fingerprint: string,
  classes: readonly { label: string; concepts: readonly unknown[] }[],
): ClassConceptTests[] | null {
  const stored = store.storedConceptTests(key, fingerprint);
  const same = stored && stored.length === classes.length && stored.every((c, i) => c.label === classes[i]!.label && c.tests.length === classes[i]!.concepts.length);
  return same ? stored : null;
}

export async function conceptFindings(
  services: ConceptServices,
  audit: { key: AuditKey; setId: number | undefined },
  request: ConceptFindingsRequest,
): Promise<ConceptFindings> {
  const { store } = services;
  const { key, setId } = audit;
  const descriptorLayer = setId === undefined ? undefined : store.descriptorLayers(setId)[0];
  if (setId === undefined || descriptorLayer === undefined) {
    throw new CallError('not-found', 'the audit described no map: run biascope audit with --concepts first');
  }
  const model = store.model(key.modelId);
  const dataset = store.dataset(key.datasetId);
  if (!model || !dataset) throw new CallError('not-found', `no model ${key.modelId} or dataset ${key.datasetId} in the database`);
  const rows = store.componentRows(key.datasetId, key.modelId, setId, descriptorLayer);
  const fits = auditConceptFits(rows, model.classes, { seed: request.seed, ...(request.k === undefined ? {} : { k: request.k }) });
  const classes = fits.map((fit) => fit.concepts);
  if (request.tests === null) return { descriptorLayer, classes, tests: null, testsStored: false };

  const cacheKey = conceptTestsKey({ datasetId: key.datasetId, setId, descriptorLayer }, request, request.tests);
  const fingerprint = componentsFingerprint(rows);
  const stored = storedTestsOfFit(store, cacheKey, fingerprint, classes);
  if (stored) return { descriptorLayer, classes, tests: stored, testsStored: true };
  const config = ModelConfigSchema.parse(JSON.parse(model.config));
  const tests = await testConcepts(
    fits,
    {
      root: dataset.root,
      classes: model.classes,
      config,
      predict: (images: RgbImage[]) => services.predict(model, images.map((image) => image.data)),
    },
    { seed: request.seed, caps: request.tests },
  );
  store.putConceptTests(cacheKey, fingerprint, tests);
  return { descriptorLayer, classes, tests, testsStored: false };
}
