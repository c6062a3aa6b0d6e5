import { describe, expect, it } from 'vitest';
import { windowEventSink } from '../../src/main/electron/event-sink';
import { EVENT_CHANNEL } from '../../src/shared/events';
import { FakeBrowserWindow } from './fake-electron';

describe('windowEventSink', () => {
  it('sends {event, payload} frames on the event channel', () => {
    const window = new FakeBrowserWindow({});
    const sink = windowEventSink(() => window as never);
    sink('menu', { command: 'open-dataset', argument: '/data' });
    expect(window.webContents.sent).toEqual([
      [EVENT_CHANNEL, { event: 'menu', payload: { command: 'open-dataset', argument: '/data' } }],
    ]);
  });

  it('follows whichever window is the main one now', () => {
    let current: FakeBrowserWindow | null = null;
    const sink = windowEventSink(() => current as never);
    sink('menu', { command: 'start-audit' });
    current = new FakeBrowserWindow({});
    sink('menu', { command: 'start-audit' });
    expect(current.webContents.sent).toHaveLength(1);
  });

  it('skips a destroyed window or page', () => {
    const closed = new FakeBrowserWindow({});
    closed.close();
    expect(() => windowEventSink(() => closed as never)('menu', { command: 'start-audit' })).not.toThrow();

    const crashed = new FakeBrowserWindow({});
    crashed.webContents.destroyed = true;
    expect(() => windowEventSink(() => crashed as never)('menu', { command: 'start-audit' })).not.toThrow();
    expect([...closed.webContents.sent, ...crashed.webContents.sent]).toEqual([]);
  });
});
