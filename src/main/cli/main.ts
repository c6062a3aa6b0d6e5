/** Entry point of the `biascope` command line (bin/biascope.js, `npm run biascope`). */
import { readFileSync } from 'node:fs';
import { runCli } from './cli';
import { processIO } from './io';

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

// `biascope explain --json | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Results are the only thing on stdout; anything a library prints goes to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

process.exitCode = await runCli(process.argv.slice(2), processIO(), packageVersion());
