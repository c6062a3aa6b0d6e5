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
  /**
   * Redraws a one-line status (a progress bar) in place. Present only when stderr is
   * a terminal: elsewhere progress goes out as plain lines through `err`.
   */
  status?(line: string): void;
}

async function writeLine(stream: Writable, line: string): Promise<void> {
  // Respect backpressure: thousands of JSON lines must not pile up in memory.
  if (!stream.write(line + '\n')) await once(stream, 'drain');
}

export function processIO(): CliIO {
  let statusShown = false;
  const err = (line: string) => {
    // A line written over a status would mix with it: clear the status first.
    if (statusShown) process.stderr.write('\r\x1b[2K');
    statusShown = false;
    process.stderr.write(line + '\n');
  };
  const status = (line: string) => {
    const width = process.stderr.columns || 80;
    process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
    statusShown = true;
  };
  return { out: (line) => writeLine(process.stdout, line), err, ...(process.stderr.isTTY ? { status } : {}) };
}
