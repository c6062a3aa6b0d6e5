/**
 * Where the package is installed, found from this module's own location so that it is
 * right from the sources (src/main/serve, run by tsx) and from a build (out/main).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  name?: string;
  version?: string;
}

function readManifest(file: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** The nearest folder above `from` whose package.json is biascope's. */
export function packageRoot(from: string = import.meta.url): string {
  const start = path.dirname(fileURLToPath(from));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && readManifest(manifest)?.name === 'biascope') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json of biascope above ${start}`);
  }
}

export function packageVersion(root: string): string {
  return readManifest(path.join(root, 'package.json'))?.version ?? 'unknown';
}

/** The renderer as `electron-vite build` writes it. */
export function rendererDir(root: string): string {
  return path.join(root, 'out', 'renderer');
}
