/**
 * `biascope serve`: the app in a browser, for a machine without a display or a person
 * on another one. Runs until Ctrl-C (or SIGTERM), then stops the server, cancels a
 * running audit and closes the database.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createBackend, type Backend } from '../backend';
import { isLoopbackHost } from '../serve/host-guard';
import { packageRoot, packageVersion, rendererDir } from '../util/package-root';
import { startServer, type RunningServer } from '../serve/server';
import { NOT_BUILT } from '../serve/static-files';
import { parseCommandArgs, parseInteger } from './args';
import type { Command } from './command';
import { CallError } from '../../shared/errors';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors';
import type { CliIO } from './io';
import { SERVE_USAGE } from './usage/serve';

export { SERVE_USAGE };

/** What the line holding the URL starts with: `npm start` opens a browser on it. */
export const SERVING_ON = 'biascope serving on ';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env['BIASCOPE_DATA']) return path.resolve(env['BIASCOPE_DATA']);
  if (env['XDG_DATA_HOME']) return path.join(path.resolve(env['XDG_DATA_HOME']), 'biascope');
  return path.join(home, '.local', 'share', 'biascope');
}

/** A failure to listen, in the words of the command line. */
function listenFailure(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') return new CallError('conflict', `port ${port} is in use on ${host}: choose another with --port, or 0 for any free one`);
  if (code === 'EACCES') return new CallError('forbidden', `no permission to listen on ${where} (ports below 1024 need privileges)`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CallError('invalid-input', `cannot listen on ${host}: not an address of this machine`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function runServe(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'allow-host': { type: 'string', multiple: true, default: [] },
    data: { type: 'string' },
    db: { type: 'string' },
    workers: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    await io.out(SERVE_USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = values.port === undefined ? 0 : parseInteger(values.port, '--port', 0, 65535);
  const workers = values.workers === undefined ? undefined : parseInteger(values.workers, '--workers', 1, 64);
  const host = values.host;
  const dataDir = values.data === undefined ? defaultDataDir() : path.resolve(values.data);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new CallError('invalid-input', `cannot create the data folder ${dataDir}: ${(error as Error).message}`);
  }
  const root = packageRoot();
  const staticDir = rendererDir(root);
  const backend: Backend = createBackend({
    name: 'biascope',
    version: packageVersion(root),
    dataDir,
    ...(values.db === undefined ? {} : { dbFile: path.resolve(values.db) }),
    ...(workers === undefined ? {} : { workers }),
  });
  let server: RunningServer;
  try {
    server = await startServer({ backend, host, port, staticDir, allowedHosts: values['allow-host'] });
  } catch (error) {
    await backend.close();
    throw listenFailure(error, host, port);
  }
  if (!isLoopbackHost(host)) {
    io.err(`warning: listening on ${host}, reachable from other machines over plain HTTP: anyone who sees the URL can use the app`);
  }
  if (!existsSync(path.join(staticDir, 'index.html'))) io.err(`warning: ${NOT_BUILT}; the API answers meanwhile`);
  io.err(`data: ${dataDir}`);
  await io.out(`${SERVING_ON}${server.url}`);

  const signal = await untilStopped();
  io.err(`${signal}: stopping (again to stop at once)`);
  const force = () => process.exit(EXIT_FAILURE);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  try {
    // Together, not one after the other: ending the audit and the model's worker thread
    // fails the calls waiting on them at once, so the server's last requests get their
    // answer instead of holding the stop up until the server cuts them off.
    await Promise.all([server.close(), backend.close()]);
  } finally {
    process.off('SIGINT', force);
    process.off('SIGTERM', force);
  }
  return EXIT_OK;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'the app in a browser, over HTTP (loopback and a token by default)',
  usage: SERVE_USAGE,
  run: runServe,
};
