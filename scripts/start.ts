/**
 * `npm start`: the desktop app when Electron can run here; otherwise (no display, or its
 * binary cannot be fetched) one line saying why, then the same app served to the
 * default browser by `biascope serve`, on loopback, behind a token.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../src/main/cli/cli';
import { processIO, type CliIO } from '../src/main/cli/io';
import { SERVING_ON } from '../src/main/cli/serve';
import { packageRoot, packageVersion, rendererDir } from '../src/main/util/package-root';
import { electronExecutable, electronPackageDir, installElectron, missingDisplay } from './electron-binary';

const ROOT = packageRoot(import.meta.url);
// Its package exports no bin path to resolve; a direct dependency sits at the top of node_modules.
const ELECTRON_VITE = path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');

/** Why the desktop app cannot start, or null once its binary is in place. */
async function whyNoWindow(dir: string): Promise<string | null> {
  const display = missingDisplay();
  if (display) return display;
  if (existsSync(electronExecutable(dir))) return null;
  console.error("Electron's binary is not installed yet: fetching it (npx install-electron)...");
  const installed = await installElectron(dir);
  if (!installed.ok) return `Electron's binary could not be fetched (${installed.reason})`;
  if (!existsSync(electronExecutable(dir))) return `Electron's install step left no binary at ${electronExecutable(dir)}`;
  return null;
}

/** Runs a Node child to its end and resolves with its exit code (and its output when quiet). */
function run(args: readonly string[], options: { env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: options.env ?? process.env,
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  // Ctrl-C reaches the child from the terminal; this process waits to pass on its exit code.
  const ignore = () => {};
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore).on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore).off('SIGTERM', forward);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

/** The command that opens a URL in the default browser, per platform; the freedesktop one elsewhere. */
const OPENERS: Partial<Record<NodeJS.Platform, (url: string) => [string, string[]]>> = {
  darwin: (url) => ['open', [url]],
  // `start` takes its first quoted argument as a window title: an empty one comes first.
  win32: (url) => ['cmd', ['/c', 'start', '', url]],
};

/** The default browser on `url`; failing is fine, the URL is printed anyway. */
function openBrowser(url: string): void {
  const [command, args] = (OPENERS[process.platform] ?? ((u: string) => ['xdg-open', [u]]))(url);
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

async function serveInBrowser(openIt: boolean): Promise<number> {
  if (!existsSync(path.join(rendererDir(ROOT), 'index.html'))) {
    console.error('Building the app for the browser (first start only)...');
    const built = await run([ELECTRON_VITE, 'build'], { quiet: true });
    if (built.code !== 0) {
      console.error(built.output);
      return built.code;
    }
  }
  const io = processIO();
  const opening: CliIO = {
    ...io,
    async out(line) {
      await io.out(line);
      if (openIt && line.startsWith(SERVING_ON)) openBrowser(line.slice(SERVING_ON.length));
    },
  };
  return runCli(['serve'], opening, packageVersion(ROOT));
}

async function main(): Promise<number> {
  const dir = electronPackageDir();
  const reason = await whyNoWindow(dir);
  if (reason === null) {
    const env = { ...process.env, ELECTRON_EXEC_PATH: electronExecutable(dir) };
    return (await run([ELECTRON_VITE, 'dev', ...process.argv.slice(2)], { env })).code;
  }
  // No browser is opened without a display: xdg-open would start a text browser in this terminal.
  console.error(`No window: ${reason}; serving the app to a browser instead (Ctrl-C stops it).`);
  return serveInBrowser(missingDisplay() === null);
}

process.exitCode = await main();
