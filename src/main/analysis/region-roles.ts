/**
 * Region roles (which regions should not decide a class, which should, and the share of
 * a map that counts as focus): checked against the dataset's regions, and resolved for
 * a request that may name its own or use the ones stored for the dataset.
 */
import { CallError } from '../../shared/api';
import type { SpuriousRules } from '../../shared/suggestions';

export const DEFAULT_THRESHOLD = 0.5;

/** Rules may only name regions the dataset has: a typo would silently suggest nothing. */
export function checkRules(rules: Pick<SpuriousRules, 'spurious' | 'evidence'>, regions: readonly string[]): void {
  const both = rules.spurious.filter((name) => rules.evidence.includes(name));
  if (both.length > 0) throw new CallError('invalid-input', `a region cannot be both spurious and evidence: ${both.join(', ')}`);
  const unknown = [...rules.spurious, ...rules.evidence].filter((name) => !regions.includes(name));
  if (unknown.length > 0) {
    const known = regions.length > 0 ? `its regions are ${regions.join(', ')}` : 'it has no regions (add regions.csv, or draw one)';
    throw new CallError('invalid-input', `the dataset has no region named ${unknown.map((n) => JSON.stringify(n)).join(', ')}: ${known}`);
  }
}

export interface NamedRoles {
  spurious: readonly string[];
  evidence: readonly string[];
  /** Absent: the stored threshold. */
  threshold?: number | undefined;
}

/**
 * The roles a request names, checked; when it names no region, the stored ones with
 * its threshold if it gives one. Null when neither names a region.
 */
export function resolveRoles(named: NamedRoles, stored: SpuriousRules, regions: readonly string[]): SpuriousRules | null {
  if (named.spurious.length + named.evidence.length > 0) {
    const rules = { spurious: [...new Set(named.spurious)], evidence: [...new Set(named.evidence)], threshold: named.threshold ?? DEFAULT_THRESHOLD };
    checkRules(rules, regions);
    return rules;
  }
  if (stored.spurious.length + stored.evidence.length === 0) return null;
  return { ...stored, threshold: named.threshold ?? stored.threshold };
}
