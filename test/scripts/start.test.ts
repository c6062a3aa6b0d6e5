/**
 * `npm start` where Electron's binary is absent and cannot be fetched: the start script
 * says why in one line and serves the app to a browser. Its download goes to a local
 * mirror that answers 404, so it fails at once and the test sees whether it was tried.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronExecutable, missingDisplay } from '../../scripts/electron-binary';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start']!;
const REASON = /^No window: (.+); serving the app to a browser instead/;

let folder: string;
let mirror: Server;
const mirrorRequests: string[] = [];

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'biascope-start-'));
  mirror = createServer((request, response) => {
    mirrorRequests.push(request.url ?? '');
    response.writeHead(404).end();
  });
  mirror.listen(0, '127.0.0.1');
  await once(mirror, 'listening');
  // Stand-ins for the desktop's openers (Linux, macOS): they record the URL they are asked to open.
  const bin = path.join(folder, 'bin');
  mkdirSync(bin);
  for (const opener of ['xdg-open', 'open']) {
    writeFileSync(path.join(bin, opener), `#!/bin/sh\necho "$1" >> "${path.join(folder, 'opened')}"\n`);
    chmodSync(path.join(bin, opener), 0o755);
  }
});

afterAll(async () => {
  mirror.close();
  rmSync(folder, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  lines: () => string[];
  exited: Promise<number | null>;
}

function start(display: Record<string, string>): Started {
  // Nothing inherited may point Electron at a real binary, cache or mirror.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/electron|^DISPLAY$|^WAYLAND_DISPLAY$/i.test(key)));
  const empty = mkdtempSync(path.join(folder, 'dist-'));
  // What `npm start` runs, with this test's Node.
  const [node, ...args] = START.split(' ');
  expect(node).toBe('node');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      ...display,
      ELECTRON_OVERRIDE_DIST_PATH: empty,
      electron_config_cache: mkdtempSync(path.join(folder, 'cache-')),
      ELECTRON_MIRROR: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`,
      BIASCOPE_DATA: path.join(folder, 'data'),
      PATH: `${path.join(folder, 'bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
    },
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, lines: () => output.split('\n'), exited };
}

async function servedUrl(started: Started): Promise<URL> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const line = started.lines().find((l) => l.startsWith('biascope serving on '));
    if (line) return new URL(line.slice('biascope serving on '.length));
    if (started.child.exitCode !== null) throw new Error(`npm start exited early:\n${started.lines().join('\n')}`);
    if (Date.now() > deadline) throw new Error(`no URL printed:\n${started.lines().join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The one line that says why no window opens, checked to be the only one. */
function reasonOf(started: Started): string {
  const reasons = started.lines().filter((line) => REASON.test(line));
  expect(reasons).toHaveLength(1);
  return REASON.exec(reasons[0]!)![1]!;
}

async function expectTheApp(url: URL): Promise<void> {
  expect(url.hostname).toBe('127.0.0.1');
  expect(url.searchParams.get('token')).toMatch(/^[\w-]{43}$/);
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<title>biascope</title>');
  // Data needs the token: a call without it is refused.
  expect((await fetch(`${url.origin}/api/app-info`, { method: 'POST', body: '[]' })).status).toBe(401);
}

// The openers are shell scripts; only Linux tells a headless machine by its environment.
describe.skipIf(process.platform === 'win32')('npm start without the Electron binary', () => {
  it('tries Electron’s install step, says in one line that it failed, serves the app and opens the browser on it', async () => {
    const started = start({ DISPLAY: ':99' });
    try {
      const url = await servedUrl(started);
      expect(reasonOf(started)).toMatch(/^Electron's binary could not be fetched \(.+\)$/);
      expect(mirrorRequests.some((request) => /electron-v[\d.]+-\w+-\w+\.zip$/.test(request))).toBe(true);
      await expectTheApp(url);
      const opened = path.join(folder, 'opened');
      await expect.poll(() => existsSync(opened) && readFileSync(opened, 'utf8').trim()).toBe(url.href);
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await started.exited).toBe(0);
  });

  it.runIf(process.platform === 'linux')('on a machine with no display, fetches nothing and opens no browser, and prints the URL', async () => {
    const before = mirrorRequests.length;
    rmSync(path.join(folder, 'opened'), { force: true });
    const started = start({});
    try {
      const url = await servedUrl(started);
      expect(reasonOf(started)).toBe('no display (DISPLAY and WAYLAND_DISPLAY are unset)');
      await expectTheApp(url);
      expect(mirrorRequests.length).toBe(before);
      expect(existsSync(path.join(folder, 'opened'))).toBe(false);
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await started.exited).toBe(0);
  });
});

describe('where Electron would run', () => {
  it('needs a display on Linux only', () => {
    expect(missingDisplay({}, 'linux')).toMatch(/no display/);
    expect(missingDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(missingDisplay({}, 'darwin')).toBeNull();
    expect(missingDisplay({}, 'win32')).toBeNull();
  });

  it('finds the binary where electron-vite looks, or in the dist folder Electron is told to use', () => {
    const dir = path.join(folder, 'electron');
    expect(electronExecutable(dir, { ELECTRON_EXEC_PATH: '/opt/electron' })).toBe('/opt/electron');
    expect(electronExecutable(dir, {}, 'linux')).toBe(path.join(dir, 'dist', 'electron'));
    expect(electronExecutable(dir, { ELECTRON_OVERRIDE_DIST_PATH: '/x' }, 'win32')).toBe(path.join('/x', 'electron.exe'));
  });
});
