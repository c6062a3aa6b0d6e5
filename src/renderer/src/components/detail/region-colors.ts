/**
 * One colour per region name, the same in the image overlay and the statistics.
 * Okabe and Ito's colour-blind-safe palette, without its black and its yellow (too
 * faint on a light image).
 */
const PALETTE = ['#56b4e9', '#e69f00', '#009e73', '#cc79a7', '#0072b2', '#d55e00'] as const;

/** Colours by region name, assigned in name order so distinct regions of an image never share one (up to six). */
export function regionColors(names: Iterable<string>): Map<string, string> {
  const unique = [...new Set(names)].sort();
  return new Map(unique.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
}
