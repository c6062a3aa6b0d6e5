/** Dataset-relative paths: what counts as an image, and how paths from files are matched. */
import path from 'node:path';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

export const isImageName = (name: string): boolean => IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());

/** Dot-names are the system's and the user's private files (.DS_Store, .git, .cache). */
export const isHidden = (name: string): boolean => name.startsWith('.');

/** Sorts by code unit, not locale, so the order is the same on every machine. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A path found, or why not. */
export type PathResult = { ok: true; path: string } | { ok: false; reason: string };

/**
 * A path written in a manifest or an annotation file, as a clean path relative to the
 * root with forward slashes; refused when absolute or when it climbs out of the root.
 */
export function toRelativePath(written: string): PathResult {
  const slashed = written.trim().replaceAll('\\', '/');
  if (slashed === '') return { ok: false, reason: 'empty path' };
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return { ok: false, reason: `absolute path "${written}"; paths must be relative to the dataset folder` };
  const normal = path.posix.normalize(slashed).replace(/\/$/, '');
  if (normal === '..' || normal.startsWith('../')) return { ok: false, reason: `path "${written}" leads outside the dataset folder` };
  if (normal === '.') return { ok: false, reason: `path "${written}" is the dataset folder itself` };
  return { ok: true, path: normal };
}

/**
 * Finds a listed file from a name written by an annotation tool, which may be the
 * exact relative path, a path with a different prefix (images/train/cat/1.jpg for
 * cat/1.jpg), or a bare file name. Unicode forms are compared normalised, since macOS
 * stores decomposed names while most tools write composed ones.
 */
export class PathIndex {
  private readonly exact = new Map<string, string>();
  private readonly byBasename = new Map<string, string[]>();

  constructor(paths: Iterable<string>) {
    for (const listed of paths) {
      const key = listed.normalize('NFC');
      this.exact.set(key, listed);
      const base = path.posix.basename(key);
      const named = this.byBasename.get(base);
      if (named) named.push(listed);
      else this.byBasename.set(base, [listed]);
    }
  }

  /** Exact match only: for files that name paths relative to the root (regions.csv). */
  get(relative: string): string | undefined {
    return this.exact.get(relative.normalize('NFC'));
  }

  /** Exact path, else the one listed path that shares its trailing segments, else a unique base name. */
  match(written: string): PathResult {
    const relative = toRelativePath(written);
    const key = (relative.ok ? relative.path : written.replaceAll('\\', '/')).normalize('NFC');
    const exact = this.exact.get(key);
    if (exact !== undefined) return { ok: true, path: exact };
    const base = path.posix.basename(key);
    const sameName = this.byBasename.get(base) ?? [];
    const bySuffix = sameName.filter((listed) => {
      const other = listed.normalize('NFC');
      return key.endsWith(`/${other}`) || other.endsWith(`/${key}`);
    });
    if (bySuffix.length === 1) return { ok: true, path: bySuffix[0]! };
    if (sameName.length === 1) return { ok: true, path: sameName[0]! };
    if (sameName.length > 1) return { ok: false, reason: `"${written}" matches ${sameName.length} listed files by name; write its path relative to the dataset folder` };
    return { ok: false, reason: `"${written}" is not an image of the dataset` };
  }
}
