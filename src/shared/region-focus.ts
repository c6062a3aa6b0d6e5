/**
 * The one rule behind every "N on <region>" figure: the app's sidebar, the report and
 * the command line count a map as on a region when at least FOCUS_THRESHOLD of its
 * mass lies inside the region. (The spurious-focus rule of the review queue is a
 * different figure with its own threshold and name: "spurious focus".)
 * Pure: no Node, no DOM.
 */
import { FOCUS_THRESHOLD } from './views';

/** Whether a map with `mass` of its mass inside a region is on that region. */
export function isOnRegion(mass: number): boolean {
  return mass >= FOCUS_THRESHOLD;
}

/** The rule in words, for a tooltip or a report's definitions. */
export const ON_REGION_RULE = `a map is on a region when at least ${Math.round(FOCUS_THRESHOLD * 100)} % of its mass lies inside the region`;

/** The figure's one wording: "30 on badge". */
export function onRegionLabel(region: string, images: number): string {
  return `${images} on ${region}`;
}
