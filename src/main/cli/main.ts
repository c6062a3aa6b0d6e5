/**
 * Entry point of the `biascope` command line: built into out/main/cli.js, which
 * bin/biascope.js runs, or run from the sources by tsx (`npm run biascope`). The
 * package's own files are found by walking up from here, right from either place.
 */
import { runCli } from './cli';
import { processIO } from './io';
import { packageRoot, packageVersion } from '../util/package-root';

// `biascope explain --json | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Results are the only thing on stdout; anything a library prints goes to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

process.exitCode = await runCli(process.argv.slice(2), processIO(), packageVersion(packageRoot()));
