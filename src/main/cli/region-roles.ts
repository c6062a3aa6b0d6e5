/**
 * The region roles an audit uses: those named on the command line, kept as the
 * dataset's (so the app's suggestions and later reports agree with images.csv), else
 * the ones already stored.
 */
import type { SpuriousRules } from '../../shared/suggestions';
import type { Store } from '../store';
import type { AuditRequest } from './audit-args';
import type { CliIO } from './io';

export function regionRoles(store: Store, datasetId: number, request: AuditRequest, io: CliIO): SpuriousRules {
  const stored = store.spuriousRules(datasetId);
  const named = request.spuriousRegions.length + request.evidenceRegions.length > 0;
  if (!named && request.spuriousThreshold === undefined) return stored;
  const regions = store.datasetOverview(datasetId).regions;
  // A typo would silently suggest nothing: say so, and keep only the regions that exist.
  const known = (names: readonly string[]) =>
    names.filter((name) => {
      if (regions.includes(name)) return true;
      io.err(`warning: no image has a region named "${name}" (regions: ${regions.join(', ') || 'none'}); it is ignored`);
      return false;
    });
  const rules: SpuriousRules = {
    spurious: named ? known(request.spuriousRegions) : stored.spurious,
    evidence: named ? known(request.evidenceRegions) : stored.evidence,
    threshold: request.spuriousThreshold ?? stored.threshold,
  };
  store.setSpuriousRules(datasetId, rules);
  return rules;
}
