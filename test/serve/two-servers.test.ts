/**
 * Two servers on one machine, open in one browser. Browsers scope cookies by host, not
 * port: a cookie holding the token was sent to every other server on 127.0.0.1, which
 * could replay it for full access. The page now holds no cookie; the other server gets
 * nothing of this one's, and this page's images still load by the image key.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../e2e/browser';
import { startFixture, type Fixture } from './fixture';

let fixture: Fixture;
let browser: Browser;
const seen: IncomingHttpHeaders[] = [];
/** Another program's server on the same host: it records what the browser sends it. */
const other = createServer((request, response) => {
  seen.push(request.headers);
  response.end('<!doctype html><title>another server</title>');
});

beforeAll(async () => {
  fixture = await startFixture();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => other.close(resolve));
  await fixture?.close();
});

/** Loads an image in an <img>, as the grid does: its width once loaded, 0 when refused. */
function imageWidth(page: Page, src: string): Promise<number> {
  return page.evaluate(
    (url) =>
      new Promise<number>((resolve) => {
        const image = new Image();
        image.onload = () => resolve(image.naturalWidth);
        image.onerror = () => resolve(0);
        image.src = url;
      }),
    src,
  );
}

describe('a served page and another server on the same host', () => {
  it('gives the other server nothing of this one, and loads its images by the image key', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(fixture.server.url);
      expect(await context.cookies()).toEqual([]);
      // What the page's client does: ask the session for the image key with the token.
      const key = await page.evaluate(async (token) => {
        const reply = await fetch('/session', { headers: { Authorization: `Bearer ${token}` } });
        return ((await reply.json()) as { imageKey: string }).imageKey;
      }, fixture.server.token);
      expect(await imageWidth(page, `/image/1/cats/one.png?size=full&k=${key}`)).toBe(40);
      expect(await imageWidth(page, `/image/1/cats/one.png?size=full`)).toBe(0);

      const otherPage = await context.newPage();
      await otherPage.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      expect(seen.length).toBeGreaterThan(0);
      for (const headers of seen) {
        expect(headers.cookie).toBeUndefined();
        expect(JSON.stringify(headers)).not.toContain(fixture.server.token);
      }
    } finally {
      await context.close();
    }
  });
});
