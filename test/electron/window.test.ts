import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { lastWindow, resetElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

const { createMainWindow, rendererUrl } = await import('../../src/main/electron/window');
const { CONTENT_SECURITY_POLICY, isAppUrl } = await import('../../src/main/electron/security');

const APP_URL = 'http://localhost:5173/';
const options = { preloadPath: '/app/out/preload/index.cjs', appUrl: APP_URL, rendererDir: '/app/out/renderer' };

function navigation(url: string) {
  return { url, preventDefault: vi.fn() };
}

beforeEach(resetElectron);

describe('createMainWindow', () => {
  it('isolates the renderer', () => {
    createMainWindow(options);
    const prefs = lastWindow().options['webPreferences'];
    expect(prefs).toMatchObject({
      preload: options.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    });
  });

  it('loads the app page', () => {
    createMainWindow(options);
    expect(lastWindow().loadedUrl).toBe(APP_URL);
  });

  it('opens at the placement given, hidden until painted', () => {
    createMainWindow(options, { bounds: { x: 40, y: 60, width: 1000, height: 700 }, maximized: false });
    const window = lastWindow();
    expect(window.options).toMatchObject({ x: 40, y: 60, width: 1000, height: 700, show: false });
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
    expect(window.maximized).toBe(false);
  });

  it('maximizes when it is shown, if it was maximized', () => {
    createMainWindow(options, { bounds: { width: 1280, height: 800 }, maximized: true });
    const window = lastWindow();
    expect(window.options).not.toHaveProperty('x');
    expect(window.maximized).toBe(false);
    window.emit('ready-to-show');
    expect(window.maximized).toBe(true);
    expect(window.shown).toBe(true);
  });

  it('denies new windows', () => {
    createMainWindow(options);
    const handler = lastWindow().webContents.windowOpenHandler;
    expect(handler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: `${APP_URL}other` })).toEqual({ action: 'deny' });
  });

  it('prevents navigation away from the app, in any frame', () => {
    createMainWindow(options);
    const contents = lastWindow().webContents;
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const foreign = navigation('https://evil.example/');
      contents.emit(name, foreign);
      expect(foreign.preventDefault, name).toHaveBeenCalled();

      const local = navigation(`${APP_URL}#/grid`);
      contents.emit(name, local);
      expect(local.preventDefault, name).not.toHaveBeenCalled();
    }
  });

  it('refuses webviews', () => {
    createMainWindow(options);
    const attach = { preventDefault: vi.fn() };
    lastWindow().webContents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });
});

describe('app urls', () => {
  it('uses the dev server when given, else the built page', () => {
    expect(rendererUrl(APP_URL)).toBe(APP_URL);
    expect(rendererUrl(undefined)).toBe('biascope-app://app/index.html');
  });

  it('trusts the built page by its own origin, and nothing of file://', () => {
    const page = 'biascope-app://app/index.html';
    expect(isAppUrl('biascope-app://app/index.html#/image/3', page)).toBe(true);
    expect(isAppUrl('biascope-app://other/index.html', page)).toBe(false);
    expect(isAppUrl('file:///app/out/renderer/index.html', page)).toBe(false);
    expect(isAppUrl('biascope-image://dataset/1/a.png', page)).toBe(false);
  });

  it('trusts a dev server by origin and a file page by exact path', () => {
    expect(isAppUrl('http://localhost:5173/a?b#c', APP_URL)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', APP_URL)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', APP_URL)).toBe(false);
    const page = 'file:///app/out/renderer/index.html';
    expect(isAppUrl(`${page}#/image/3`, page)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', page)).toBe(false);
    expect(isAppUrl('http://localhost/app/out/renderer/index.html', page)).toBe(false);
    expect(isAppUrl('not a url', page)).toBe(false);
    expect(isAppUrl('biascope-image://dataset/1/a.png', page)).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  it('is the same in index.html as in headers', () => {
    const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it('runs only our scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('lets images come from the image protocol and nowhere remote', () => {
    const images = /img-src ([^;]*)/.exec(CONTENT_SECURITY_POLICY)?.[1]?.split(' ');
    expect(images).toContain('biascope-image:');
    expect(images?.filter((source) => /^(https?:|\*)/.test(source))).toEqual([]);
  });
});
