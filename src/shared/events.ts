/**
 * Events the back end pushes to the UI, over IPC (webContents.send) or a WebSocket.
 * One schema per event name, checked on arrival like every call's value.
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { AuditStateSchema } from './api';

/** Commands the desktop menu sends to the page (the page owns the state they act on). */
export const MENU_COMMANDS = [
  'open-dataset',
  'open-model',
  'start-audit',
  'export',
  'review-spurious',
  'toggle-overlay',
  'next-colormap',
  'focus-search',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const EVENT_SCHEMAS = {
  /** The running audit changed: progress (a few times a second), pause, or its end. */
  audit: AuditStateSchema,
  /** A menu item or its shortcut, in the desktop app. */
  menu: z.object({ command: z.enum(MENU_COMMANDS), argument: z.string().optional() }),
} as const;

export type EventName = keyof typeof EVENT_SCHEMAS;
export type EventPayload<E extends EventName> = z.infer<(typeof EVENT_SCHEMAS)[E]>;
export const EVENT_NAMES = Object.freeze(Object.keys(EVENT_SCHEMAS) as EventName[]);

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(EVENT_SCHEMAS, value);
}

/** The IPC channel of pushed events; the WebSocket carries the same {event, payload} frames. */
export const EVENT_CHANNEL = 'biascope:event';

export interface EventFrame<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

/** Checks a frame from the other side; null when it is not one of ours. */
export function parseEventFrame(frame: unknown): EventFrame | null {
  if (typeof frame !== 'object' || frame === null || !('event' in frame) || !('payload' in frame)) return null;
  if (!isEventName(frame.event)) return null;
  const checked = EVENT_SCHEMAS[frame.event].safeParse(frame.payload);
  return checked.success ? ({ event: frame.event, payload: checked.data } as EventFrame) : null;
}

/** Something events can be sent to: a window, a socket, a test. */
export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
