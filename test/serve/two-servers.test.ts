/**
 * Two `biascope serve` servers on one machine, open in one browser. Cookies are scoped by
 * host, not port: with one cookie name the second page's token replaced the first's,
 * and the first page's images (which only the cookie authorises) were refused.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../e2e/browser';
import { startFixture, type Fixture } from './fixture';

let first: Fixture;
let second: Fixture;
let browser: Browser;

beforeAll(async () => {
  [first, second] = await Promise.all([startFixture(), startFixture()]);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([first?.close(), second?.close()]);
});

/** Loads the fixture's image in an <img>, as the grid does: its width once loaded, 0 when refused. */
function imageWidth(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const image = new Image();
        image.onload = () => resolve(image.naturalWidth);
        image.onerror = () => resolve(0);
        image.src = `/image/1/cats/one.png?size=full&t=${Date.now()}`;
      }),
  );
}

describe('two servers in one browser', () => {
  it('each page keeps loading its own images after the other is opened', async () => {
    expect(first.server.port).not.toBe(second.server.port);
    const context = await browser.newContext();
    try {
      const a = await context.newPage();
      await a.goto(first.server.url);
      expect(await imageWidth(a)).toBe(40);
      const b = await context.newPage();
      await b.goto(second.server.url);
      expect(await imageWidth(b)).toBe(40);
      // The page opened first, after the second set its cookie.
      expect(await imageWidth(a)).toBe(40);
      const names = (await context.cookies()).map((cookie) => cookie.name).sort();
      expect(names).toEqual([`biascope_token_${first.server.port}`, `biascope_token_${second.server.port}`].sort());
    } finally {
      await context.close();
    }
  });
});
