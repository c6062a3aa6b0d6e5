/**
 * Writing a file whole or not at all, and never through a link: to a temporary name
 * beside it, then renamed over the old one. A reader (a spreadsheet open on images.csv,
 * a CI job) sees the old file or the new, never half of one, and a crash leaves the old
 * file. Renaming replaces a symbolic link itself rather than writing into what it
 * points at, so a `report.html` planted as a link to ~/.bashrc no longer overwrites it.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes `data` to `file` atomically: a temporary file beside it, then a rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': the temporary name must be new; a link planted there is not followed.
    await writeFile(temporary, data, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
