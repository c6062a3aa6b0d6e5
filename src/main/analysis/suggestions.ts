/**
 * The spurious-focus rule. An image is suggested when its map holds at least the
 * threshold on the spurious regions, or when the marked regions together hold at
 * least the threshold and the spurious ones more than the evidence.
 *
 * Why the second clause asks for the threshold on the marked regions: a spurious
 * region is often large (the scrubs are a fifth of a portrait) and the evidence small
 * (a stethoscope, a twentieth). A map spread evenly over the picture then puts more
 * mass on the spurious region by area alone, and "spurious mass exceeds evidence
 * mass" would suggest every diffuse map. The clause is for maps split between the
 * two, not for maps that look at neither.
 */
import type { SpuriousRules, SuggestionReason } from '../../shared/suggestions';

export interface FocusJudgement {
  /** Summed share of the map on the spurious regions (overlapping boxes capped at 1). */
  spurious: number;
  evidence: number;
  /** The spurious region with the most mass; null when no spurious region is named. */
  region: string | null;
  /** Why the image is suggested, or null when it is not. */
  reason: SuggestionReason | null;
}

/** @param masses share of the map on each region of the image, by region name */
export function judgeFocus(masses: ReadonlyMap<string, number>, rules: SpuriousRules): FocusJudgement {
  const total = (names: readonly string[]) => Math.min(1, names.reduce((sum, name) => sum + (masses.get(name) ?? 0), 0));
  const spurious = total(rules.spurious);
  const evidence = total(rules.evidence);
  let region: string | null = null;
  for (const name of rules.spurious) {
    if (region === null || (masses.get(name) ?? 0) > (masses.get(region) ?? 0)) region = name;
  }
  let reason: SuggestionReason | null = null;
  if (region !== null && spurious >= rules.threshold) reason = 'threshold';
  else if (region !== null && spurious > evidence && spurious + evidence >= rules.threshold) reason = 'over-evidence';
  return { spurious, evidence, region, reason };
}
