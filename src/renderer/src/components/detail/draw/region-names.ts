/** Region name lists of the drawing tools: pure, so the app and the detail view agree. */

/** Distinct names in code-unit order, as the back end sorts them. */
export function distinctNames(names: Iterable<string>): string[] {
  return [...new Set(names)].sort();
}

/**
 * The dataset's region names once drawn names changed from `before` to `after`: a
 * drawn name no class has any more goes, a new one joins. Annotated names never
 * collide with drawn ones, so they stay as they are.
 */
export function regionsAfterDrawing(regions: readonly string[], before: readonly string[], after: readonly string[]): string[] {
  const gone = before.filter((name) => !after.includes(name));
  return distinctNames([...regions.filter((name) => !gone.includes(name)), ...after]);
}
