/**
 * Where the main window opens: where it was left, if that place is still on a screen,
 * and maximized again if it was. Its normal bounds are saved as they change and on close.
 */
import type { BrowserWindow, Rectangle } from 'electron';
import { WindowStateSchema, type WindowState } from '../backend';

export const DEFAULT_SIZE: Readonly<{ width: number; height: number }> = { width: 1280, height: 800 };

/**
 * A window can be moved back only by its title bar: at least this much of the strip at
 * its top must lie on a display's work area (which excludes task bars and the menu bar).
 */
export const TITLE_BAR_HEIGHT = 32;
export const MIN_VISIBLE_WIDTH = 120;

export const SAVE_DELAY_MS = 500;

export interface WindowPlacement {
  /** Without x and y the window is centred. */
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

export function intersection(a: Rectangle, b: Rectangle): Rectangle | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x;
  const height = Math.min(a.y + a.height, b.y + b.height) - y;
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

function titleBarOf(bounds: Rectangle): Rectangle {
  return { x: bounds.x, y: bounds.y, width: bounds.width, height: Math.min(TITLE_BAR_HEIGHT, bounds.height) };
}

/** Whether the title bar of a window with these bounds can be reached on the work area. */
export function isReachable(bounds: Rectangle, workArea: Rectangle): boolean {
  const titleBar = titleBarOf(bounds);
  const shown = intersection(titleBar, workArea);
  return shown !== null && shown.height === titleBar.height && shown.width >= Math.min(MIN_VISIBLE_WIDTH, bounds.width);
}

/**
 * The placement of a window saved as `saved`. `workAreaOf` gives the work area of the
 * display a rectangle is most on (`screen.getDisplayMatching`): a window left on a
 * display since disconnected, or moved off every screen, opens centred at the default size.
 */
export function restorePlacement(
  saved: WindowState | null,
  workAreaOf: (bounds: Rectangle) => Rectangle,
): WindowPlacement {
  if (!saved) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const { maximized, ...bounds } = saved;
  if (isReachable(bounds, workAreaOf(titleBarOf(bounds)))) return { bounds, maximized };
  return { bounds: { ...DEFAULT_SIZE }, maximized };
}

type TrackedWindow = Pick<BrowserWindow, 'getNormalBounds' | 'isMaximized' | 'isDestroyed' | 'on'>;

/**
 * The state to save: the normal bounds even when maximized, minimized or full screen,
 * so that un-maximizing after a restart returns to them. Null when they are not valid
 * settings (a bad value would get the whole settings file set aside when next read).
 */
export function windowStateOf(window: Pick<BrowserWindow, 'getNormalBounds' | 'isMaximized'>): WindowState | null {
  const bounds = window.getNormalBounds();
  const state = WindowStateSchema.safeParse({
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
    maximized: window.isMaximized(),
  });
  return state.success ? state.data : null;
}

/** Saves the window's state shortly after it moves or resizes (settings are written to disk each time), and on close. */
export function trackWindowState(window: TrackedWindow, save: (state: WindowState) => void, delayMs = SAVE_DELAY_MS): void {
  let timer: NodeJS.Timeout | undefined;
  const saveNow = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed()) return;
    const state = windowStateOf(window);
    if (!state) return;
    try {
      save(state);
    } catch (error) {
      console.warn('biascope: could not save the window state:', error);
    }
  };
  const saveSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(saveNow, delayMs);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', saveSoon);
  window.on('unmaximize', saveSoon);
  window.on('close', saveNow);
  window.on('closed', () => clearTimeout(timer));
}
