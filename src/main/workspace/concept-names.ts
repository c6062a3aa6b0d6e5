/**
 * Naming a concept: it becomes a region of that name on every image containing it (the
 * box of its cells there, through the model's frame, in image pixels), with a role
 * (spurious or evidence), so statistics, suggestions, subgroups and rebalancing see it
 * exactly as they see a drawn region. The boxes are a snapshot of the fit named: a
 * later audit measures the same boxes, whatever its concepts.
 */
import { CallError } from '../../shared/api';
import type { ConceptRole, NameConceptRequest } from '../../shared/concepts';
import type { Framing } from '../../shared/map-frame';
import type { SpuriousRules } from '../../shared/suggestions';
import type { ClassConceptFit } from '../analysis/concepts';
import { pixelBox, type ConceptBox, type ConceptRegionRow, type ConceptSource, type GridScope } from '../store';
import { cellsBox, mapToImage, DEFAULT_CONCEPT_SEED } from './concept-view';

/** Where a request's concept comes from, as the store keeps it. */
export function conceptSource(scope: GridScope, request: Pick<NameConceptRequest, 'key' | 'label' | 'k' | 'seed'> & { concept: number }): ConceptSource {
  return {
    datasetId: scope.datasetId,
    modelId: scope.modelId,
    layer: request.key.layer,
    method: request.key.method,
    label: request.label,
    concept: request.concept,
    k: request.k ?? 0,
    seed: request.seed ?? DEFAULT_CONCEPT_SEED,
  };
}

export function sameSource(row: ConceptRegionRow, source: ConceptSource): boolean {
  return (
    row.modelId === source.modelId &&
    row.layer === source.layer &&
    row.method === source.method &&
    row.label === source.label &&
    row.concept === source.concept &&
    row.k === source.k &&
    row.seed === source.seed
  );
}

/** One box per image containing the concept: the bounding box of its components' cells there, in image pixels. */
export function conceptBoxes(fit: ClassConceptFit, concept: number, framing: Framing | undefined): ConceptBox[] {
  const byImage = new Map<number, { x0: number; y0: number; x1: number; y1: number; width: number; height: number }>();
  fit.rows.forEach((row, i) => {
    if (fit.assignment[i] !== concept || row.imageWidth === null || row.imageHeight === null) return;
    const box = mapToImage(cellsBox(row), { width: row.imageWidth, height: row.imageHeight }, framing);
    const seen = byImage.get(row.imageId);
    byImage.set(
      row.imageId,
      seen
        ? { ...seen, x0: Math.min(seen.x0, box.x0), y0: Math.min(seen.y0, box.y0), x1: Math.max(seen.x1, box.x1), y1: Math.max(seen.y1, box.y1) }
        : { ...box, width: row.imageWidth, height: row.imageHeight },
    );
  });
  return [...byImage].map(([imageId, { width, height, ...box }]) => ({ imageId, ...pixelBox(box, width, height) }));
}

/** The rules with `previous` and `name` out of both lists and `name` in its role's. */
export function rulesWithConcept(rules: SpuriousRules, previous: string | null, name: string | null, role: ConceptRole): SpuriousRules {
  const keep = (list: readonly string[]) => list.filter((n) => n !== previous && n !== name);
  const spurious = keep(rules.spurious);
  const evidence = keep(rules.evidence);
  if (name !== null) (role === 'spurious' ? spurious : evidence).push(name);
  return { ...rules, spurious, evidence };
}

/** The request's name checked against the dataset's other regions. */
export function checkConceptName(name: string, otherRegions: readonly string[]): void {
  if (otherRegions.includes(name)) {
    throw new CallError('invalid-input', `${JSON.stringify(name)} is already an annotated or drawn region of the dataset: name the concept otherwise`);
  }
}

export function requireConcept(fit: ClassConceptFit | undefined, label: string, concept: number): ClassConceptFit {
  const count = fit?.concepts.concepts.length ?? 0;
  if (!fit || concept >= count) {
    throw new CallError('not-found', `${label} has ${count} concepts in this fit: there is no concept ${concept}`);
  }
  return fit;
}
