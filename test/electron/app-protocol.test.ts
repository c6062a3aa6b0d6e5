/** The desktop page's own scheme: the built renderer's files, confined, each with the CSP header. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL, appFileResponse } from '../../src/main/electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../src/main/util/content-security-policy';
import { tempDir } from '../fixtures/temp';

function renderer(): string {
  const root = tempDir('biascope-app-scheme-');
  const dir = path.join(root, 'renderer');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>biascope</title>');
  writeFileSync(path.join(dir, 'assets/index-abc12345.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'secret.txt'), 'SECRET');
  symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'assets/escape.js'));
  return dir;
}

const get = (url: string) => ({ url, method: 'GET' });

describe('the app scheme', () => {
  const dir = renderer();

  it('serves the page and its assets with their types and the CSP header', async () => {
    const page = await appFileResponse(get(APP_PAGE_URL), dir);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<title>biascope</title>');
    const script = await appFileResponse(get('biascope-app://app/assets/index-abc12345.js'), dir);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await appFileResponse(get('biascope-app://app/'), dir)).status).toBe(200);
  });

  it.each([
    ['a parent path', 'biascope-app://app/..%2Fsecret.txt'],
    ['a symlink out of the folder', 'biascope-app://app/assets/escape.js'],
    ['an absolute path', 'biascope-app://app/%2Fetc%2Fpasswd'],
  ])('refuses %s and never shows the file', async (_, url) => {
    const reply = await appFileResponse(get(url), dir);
    expect([403, 404]).toContain(reply.status);
    expect(await reply.text()).not.toContain('SECRET');
  });

  it('answers 404 for another host or a missing file, 405 for anything but GET, 400 for bad encoding', async () => {
    expect((await appFileResponse(get('biascope-app://other/index.html'), dir)).status).toBe(404);
    expect((await appFileResponse(get('biascope-app://app/nope.js'), dir)).status).toBe(404);
    expect((await appFileResponse(get('biascope-app://app/assets'), dir)).status).toBe(404);
    expect((await appFileResponse({ url: APP_PAGE_URL, method: 'POST' }, dir)).status).toBe(405);
    expect((await appFileResponse(get('biascope-app://app/%E0%A4%A'), dir)).status).toBe(400);
  });
});
