/**
 * The kernel's pseudo file systems: never a dataset or an export folder, and endless to
 * walk (/proc/self links back into itself through every process). Judged on real paths,
 * so a link into them is caught too.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/** The system folder a real path lies in, or null. */
export function systemFolderOf(real: string): string | null {
  return SYSTEM_FOLDERS.find((root) => real === root || real.startsWith(`${root}/`)) ?? null;
}

/** The system folder a path would land in once created: judged on its nearest existing folder. */
export async function systemFolderOfPath(target: string): Promise<string | null> {
  let at = path.resolve(target);
  for (;;) {
    try {
      const real = await realpath(at);
      return systemFolderOf(path.join(real, path.relative(at, path.resolve(target))));
    } catch {
      const up = path.dirname(at);
      if (up === at) return null;
      at = up;
    }
  }
}
