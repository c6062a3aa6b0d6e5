import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SIZE,
  SAVE_DELAY_MS,
  intersection,
  isReachable,
  restorePlacement,
  trackWindowState,
  windowStateOf,
} from '../../src/main/electron/window-state';
import type { WindowState } from '../../src/main/workspace/settings';
import { FakeBrowserWindow } from './fake-electron';

const LEFT = { x: 0, y: 25, width: 1920, height: 1055 };
const RIGHT = { x: 1920, y: 0, width: 2560, height: 1400 };
const DISPLAYS = [LEFT, RIGHT];

/** What `screen.getDisplayMatching(rect).workArea` does: the display most under the rectangle, else the nearest. */
function workAreaOf(bounds: { x: number; y: number; width: number; height: number }) {
  const area = (display: typeof LEFT) => {
    const shown = intersection(bounds, display);
    return shown ? shown.width * shown.height : 0;
  };
  return DISPLAYS.reduce((best, display) => (area(display) > area(best) ? display : best), LEFT);
}

function saved(x: number, y: number, maximized = false): WindowState {
  return { x, y, width: 1000, height: 700, maximized };
}

describe('restorePlacement', () => {
  it('opens centred at the default size the first time', () => {
    expect(restorePlacement(null, workAreaOf)).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
  });

  it('keeps bounds that are on a display, on either display', () => {
    expect(restorePlacement(saved(200, 100), workAreaOf)).toEqual({
      bounds: { x: 200, y: 100, width: 1000, height: 700 },
      maximized: false,
    });
    expect(restorePlacement(saved(2500, 300), workAreaOf).bounds).toMatchObject({ x: 2500, y: 300 });
  });

  it('keeps a window partly off screen while its title bar can be grabbed', () => {
    expect(restorePlacement(saved(1500, 600), workAreaOf).bounds).toMatchObject({ x: 1500, y: 600 });
    expect(restorePlacement(saved(-800, 100), workAreaOf).bounds).toMatchObject({ x: -800 });
  });

  it('centres a window left on a display that is gone', () => {
    expect(restorePlacement(saved(-3000, 200), workAreaOf)).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
    expect(restorePlacement(saved(5000, 200), workAreaOf).bounds).toEqual(DEFAULT_SIZE);
  });

  it('centres a window whose title bar is out of reach', () => {
    // Above the menu bar: the body shows, the title bar is under the menu bar.
    expect(restorePlacement(saved(200, 0), workAreaOf).bounds).toEqual(DEFAULT_SIZE);
    // Only a sliver at the right edge.
    expect(restorePlacement(saved(LEFT.width - 40, 2000), workAreaOf).bounds).toEqual(DEFAULT_SIZE);
  });

  it('maximizes again if it was maximized, wherever it opens', () => {
    expect(restorePlacement(saved(200, 100, true), workAreaOf)).toMatchObject({ maximized: true, bounds: { x: 200 } });
    expect(restorePlacement(saved(-3000, 100, true), workAreaOf)).toEqual({ bounds: DEFAULT_SIZE, maximized: true });
  });

  it('judges a window narrower than the visible minimum by its whole title bar', () => {
    expect(isReachable({ x: 10, y: 30, width: 80, height: 80 }, LEFT)).toBe(true);
    expect(isReachable({ x: -10, y: 30, width: 80, height: 80 }, LEFT)).toBe(false);
  });
});

describe('saving the window state', () => {
  let window: FakeBrowserWindow;
  const save = vi.fn();

  beforeEach(() => {
    vi.useFakeTimers();
    save.mockReset();
    window = new FakeBrowserWindow({ x: 10, y: 40, width: 900, height: 600 });
    trackWindowState(window as never, save);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('saves the normal bounds of a maximized window', () => {
    window.maximized = true;
    window.normalBounds = { x: 10.4, y: 40.6, width: 900, height: 600 };
    expect(windowStateOf(window as never)).toEqual({ x: 10, y: 41, width: 900, height: 600, maximized: true });
  });

  it('saves nothing that settings would reject', () => {
    window.normalBounds = { x: 0, y: 0, width: 0, height: 0 };
    expect(windowStateOf(window as never)).toBeNull();
    window.close();
    expect(save).not.toHaveBeenCalled();
  });

  it('saves once a burst of moves and resizes has settled', () => {
    for (const event of ['move', 'resize', 'move', 'maximize']) window.emit(event);
    expect(save).not.toHaveBeenCalled();
    window.normalBounds = { x: 300, y: 200, width: 1000, height: 700 };
    window.maximized = true;
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith({ x: 300, y: 200, width: 1000, height: 700, maximized: true });
  });

  it('saves at once on close, and not again after', () => {
    window.emit('resize');
    window.close();
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith({ x: 10, y: 40, width: 900, height: 600, maximized: false });
    vi.advanceTimersByTime(SAVE_DELAY_MS * 2);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('survives a failing save', () => {
    save.mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => window.close()).not.toThrow();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
