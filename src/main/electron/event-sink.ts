import type { BrowserWindow } from 'electron';
import { EVENT_CHANNEL, type EventFrame, type EventSink } from '../../shared/events';

type EventTarget = Pick<BrowserWindow, 'isDestroyed' | 'webContents'>;

/**
 * Sends events to whichever window is the main one now, as {event, payload} frames on
 * EVENT_CHANNEL. Events while there is no window (macOS keeps running without one),
 * or while it is being torn down, are dropped: the page asks for the state when it loads.
 */
export function windowEventSink(window: () => EventTarget | null): EventSink {
  return (event, payload) => {
    const target = window();
    if (!target || target.isDestroyed() || target.webContents.isDestroyed()) return;
    const frame: EventFrame<typeof event> = { event, payload };
    target.webContents.send(EVENT_CHANNEL, frame);
  };
}
