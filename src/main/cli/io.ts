/**
 * Where a command writes. Results go to `out` (stdout) and nothing else does, so
 * `--json` output can be piped; messages and logs go to `err` (stderr).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

export interface CliIO {
  /** Writes one line of results. */
  out(line: string): Promise<void>;
  /** Writes one line of diagnostics. */
  err(line: string): void;
}

async function writeLine(stream: Writable, line: string): Promise<void> {
  // Respect backpressure: thousands of JSON lines must not pile up in memory.
  if (!stream.write(line + '\n')) await once(stream, 'drain');
}

export function processIO(): CliIO {
  return {
    out: (line) => writeLine(process.stdout, line),
    err: (line) => void process.stderr.write(line + '\n'),
  };
}
