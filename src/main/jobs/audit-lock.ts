/**
 * One audit at a time per database file, across processes (the app, `serve`, a
 * `biascope audit` in a terminal): two audits of one store each redid the whole work
 * and marked the other's job interrupted. The lock is a file beside the database
 * holding the owner's process id and host; a lock whose process is gone (a crash, a
 * SIGKILL) is taken over, so nothing ever has to be deleted by hand.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export class AuditLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditLockedError';
  }
}

interface Owner {
  pid: number;
  host: string;
  since: string;
  token: string;
}

const lockFileOf = (dbFile: string) => `${dbFile}.audit-lock`;

/** Whether the process is alive on this machine (EPERM: alive, another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(file: string): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host, since: String(owner.since ?? ''), token: String(owner.token ?? '') }
      : null;
  } catch {
    return null;
  }
}

/**
 * Takes the audit lock of a database, or throws AuditLockedError naming who holds it.
 * Resolves with the release. An in-memory database needs no lock.
 */
export async function acquireAuditLock(dbFile: string): Promise<() => Promise<void>> {
  if (dbFile === ':memory:' || dbFile === '') return async () => {};
  const file = lockFileOf(dbFile);
  // The token tells this lock from another audit's in the same process (two back ends).
  const me: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, JSON.stringify(me), { flag: 'wx' });
      return async () => {
        const owner = await ownerOf(file);
        if (owner?.token === me.token) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await ownerOf(file);
    // Another machine's lock (a database on a shared disk) cannot be checked: it holds.
    if (owner && (owner.host !== me.host || alive(owner.pid))) {
      throw new AuditLockedError(
        `another audit is writing to ${dbFile} (process ${owner.pid} on ${owner.host}, since ${owner.since}): wait for it to finish or stop it, then run again`,
      );
    }
    // Left by a process that is gone, or unreadable: take it over.
    await rm(file, { force: true });
  }
  throw new AuditLockedError(`cannot take the audit lock ${file}: another audit took it at the same moment`);
}
