/**
 * Electron's binary for `npm start`. Since Electron 42 `npm install` no longer fetches
 * it: the package's own install step (`npx install-electron`, its install.js) does, on
 * first use. electron-vite reads node_modules/electron/path.txt itself and, when it is
 * missing, only says "Electron uninstall", so the start script looks first.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** node_modules/electron, wherever the package manager put it. */
export function electronPackageDir(): string {
  return path.dirname(require.resolve('electron/package.json'));
}

const EXECUTABLES: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};

/**
 * Where the binary is, or will be once installed: electron-vite's rule (ELECTRON_EXEC_PATH,
 * else path.txt under dist/), with Electron's ELECTRON_OVERRIDE_DIST_PATH for another dist folder.
 */
export function electronExecutable(dir: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['ELECTRON_EXEC_PATH']) return env['ELECTRON_EXEC_PATH'];
  const pathFile = path.join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : (EXECUTABLES[platform] ?? 'electron');
  return path.join(env['ELECTRON_OVERRIDE_DIST_PATH'] || path.join(dir, 'dist'), relative);
}

/** Why no window can open here, or null. Only X11 and Wayland sessions announce themselves. */
export function missingDisplay(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'darwin' || platform === 'win32') return null;
  if (env['DISPLAY'] || env['WAYLAND_DISPLAY']) return null;
  return 'no display (DISPLAY and WAYLAND_DISPLAY are unset)';
}

/** Long enough for ~100 MB on a slow line; a stalled connection must not hang `npm start`. */
export const INSTALL_TIME_LIMIT_MS = 5 * 60_000;

export type InstallOutcome = { ok: true } | { ok: false; reason: string };

/** The first line of a failure (install.js prints the error's stack), without the error's class name. */
function firstLine(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim() !== '' && !/^\s+at /.test(l)) ?? '';
  return line.trim().replace(/^[A-Z]\w*Error: /, '').slice(0, 160);
}

/** Runs Electron's own install step, stopped after `limitMs`. Resolves; never throws. */
export function installElectron(dir: string, limitMs = INSTALL_TIME_LIMIT_MS, env: NodeJS.ProcessEnv = process.env): Promise<InstallOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, 'install.js')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill(), limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true });
      else if (signal) resolve({ ok: false, reason: `no download within ${Math.round(limitMs / 60_000)} min` });
      else resolve({ ok: false, reason: firstLine(stderr) || `its install step exited with code ${code}` });
    });
  });
}
