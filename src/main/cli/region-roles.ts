/**
 * The region roles an audit uses: those named on the command line, kept as the
 * dataset's (so the app's suggestions and later reports agree with images.csv), else
 * the ones already stored.
 */
import type { SpuriousRules } from '../../shared/suggestions';
import type { Store } from '../store';
import type { AuditRequest } from './audit-args';
import { CliError } from './errors';

/** The names a role may take: regions of the annotations and regions drawn in the app, applied yet or not. */
function regionNames(store: Store, datasetId: number): string[] {
  const names = new Set([...store.datasetOverview(datasetId).regions, ...store.drawnRegions(datasetId).map((region) => region.name)]);
  return [...names].sort();
}

/**
 * Refuses a role for a region the dataset does not have, once the scan knows its regions
 * and before any map is computed: a typo would otherwise suggest nothing, silently,
 * at the end of a long audit.
 */
export function checkRegionNames(store: Store, datasetId: number, request: AuditRequest): void {
  const known = regionNames(store, datasetId);
  const unknown = [...request.spuriousRegions, ...request.evidenceRegions].filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  const has = known.length > 0 ? `its regions are ${known.join(', ')}` : 'it has none (regions.csv, or regions drawn in the app)';
  const names = unknown.map((name) => `"${name}"`).join(', ');
  throw new CliError(`the dataset has no region named ${names}: ${has}; nothing was computed`);
}

export function regionRoles(store: Store, datasetId: number, request: AuditRequest): SpuriousRules {
  const stored = store.spuriousRules(datasetId);
  const named = request.spuriousRegions.length + request.evidenceRegions.length > 0;
  if (!named && request.spuriousThreshold === undefined) return stored;
  const rules: SpuriousRules = {
    spurious: named ? [...request.spuriousRegions] : stored.spurious,
    evidence: named ? [...request.evidenceRegions] : stored.evidence,
    threshold: request.spuriousThreshold ?? stored.threshold,
  };
  store.setSpuriousRules(datasetId, rules);
  return rules;
}
