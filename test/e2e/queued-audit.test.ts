/// <reference lib="dom" />
/**
 * A queued audit from the app in a real browser against `biascope serve`, with a real
 * redis-server and two real `biascope worker` processes: the start panel takes the
 * Redis address, the progress says it waits for workers, lists both workers once they
 * join (the audit paused meanwhile, so they are seen before it ends), and the grid fills
 * when it is done. Screenshot: test/e2e/screenshots/queued-audit.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../scripts/redis-server';
import { BIN } from '../cli/run-cli';
import { tempDir } from '../fixtures/models';
import { demoSubset, DEMO_MODEL } from '../jobs/demo-subset';
import { launchChromium, SCREENSHOTS, serveApp, type ServedApp, watchedPage } from './browser';

let browser: Browser;
let app: ServedApp;
let page: Page;
let redis: RedisServer;
const workers: ChildProcess[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  redis = await startRedis(tempDir('biascope-redis-'));
  app = await serveApp({ dataDir: tempDir('biascope-e2e-queue-'), demo: { dataset: demoSubset(40), model: DEMO_MODEL }, workers: 1 });
  browser = await launchChromium();
  page = await watchedPage(browser, consoleErrors, { width: 1400, height: 900 });
});

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await browser?.close();
  await app?.close();
  await redis?.stop(true);
});

describe('a queued audit in the app', () => {
  it('checks the Redis address in the start panel', async () => {
    await page.goto(app.server.url);
    await page.getByTestId('start-panel').waitFor();
    await expect.poll(() => page.getByTestId('start-audit').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.locator('.queue summary').click();
    await page.getByTestId('start-queue').fill('http://127.0.0.1:6379');
    await expect.poll(() => page.getByTestId('start-queue-error').textContent()).toContain('a Redis address');
    expect(await page.getByTestId('start-audit').isDisabled()).toBe(true);
    await page.getByTestId('start-queue').fill(redis.url);
    expect(await page.getByTestId('start-queue-error').count()).toBe(0);
  });

  it('waits for workers, lists them as they join, and fills the grid when done', async () => {
    await page.getByTestId('start-audit').click();
    const progress = page.getByTestId('audit-workers');
    await expect.poll(() => progress.textContent(), { timeout: 60_000 }).toContain('waiting for workers');
    await page.getByRole('button', { name: 'Pause' }).click();
    for (let i = 0; i < 2; i++) {
      const worker = spawn(process.execPath, [BIN, 'worker', '--queue', redis.url, '--concurrency', '1', '--cache', tempDir('biascope-cache-')], { stdio: 'ignore' });
      workers.push(worker);
    }
    await expect.poll(() => page.getByTestId('audit-worker').count(), { timeout: 60_000 }).toBe(2);
    // Two workers on one host: named by host and process id.
    const names = await page.getByTestId('audit-worker').allTextContents();
    expect(names.every((text) => /:\d+ · /.test(text)), names.join(' | ')).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'queued-audit.png') });
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('[data-testid="audit-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('.tile:not(.loading)').count()).toBeGreaterThan(6);
    const state = await app.backend.api.auditState();
    expect(state?.summary?.computed).toBe(80);
    expect(consoleErrors).toEqual([]);
  }, 180_000);
});
