/**
 * Debian's Chromium driven by playwright-core, against a real `biascope serve` server
 * started in-process on a temporary data folder, with the renderer as built by
 * `electron-vite build` (npm test builds it first).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createBackend, type Backend, type BackendOptions } from '../../src/main/backend';
import { startServer, type RunningServer } from '../../src/main/serve/server';

export const CHROMIUM = process.env['BIASCOPE_CHROMIUM'] ?? '/usr/bin/chromium';
export const RENDERER_DIR = path.resolve(import.meta.dirname, '../../out/renderer');
export const SCREENSHOTS = path.resolve(import.meta.dirname, 'screenshots');

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set BIASCOPE_CHROMIUM`);
  }
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`the renderer is not built in ${RENDERER_DIR}: run npm run build`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page whose console errors and uncaught exceptions land in `errors`, for a test to assert there are none. */
export async function watchedPage(browser: Browser, errors: string[], viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return page;
}

export interface ServedApp {
  backend: Backend;
  server: RunningServer;
  close(): Promise<void>;
}

export async function serveApp(options: Omit<BackendOptions, 'name' | 'version'>): Promise<ServedApp> {
  const backend = createBackend({ name: 'biascope', version: '0.0.0', ...options });
  const server = await startServer({ backend, staticDir: RENDERER_DIR });
  return {
    backend,
    server,
    close: async () => {
      await server.close();
      await backend.close();
    },
  };
}
