import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeBeforeQuit } from '../../src/main/electron/quit';
import { FakeEmitter } from './fake-electron';

function fakeApp() {
  const app = Object.assign(new FakeEmitter(), { quit: vi.fn() });
  const quitEvent = () => ({ preventDefault: vi.fn() });
  return { app, quitEvent };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('closeBeforeQuit', () => {
  it('holds the quit until the back end has closed, then quits', async () => {
    const { app, quitEvent } = fakeApp();
    let finish = (): void => {};
    const close = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    closeBeforeQuit(app as never, close);

    const first = quitEvent();
    app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);

    const again = quitEvent();
    app.emit('before-quit', again);
    expect(again.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();

    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    const last = quitEvent();
    app.emit('before-quit', last);
    expect(last.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('quits even when closing fails', async () => {
    const { app, quitEvent } = fakeApp();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    closeBeforeQuit(app as never, () => Promise.reject(new Error('database is locked')));
    app.emit('before-quit', quitEvent());
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(String(error.mock.calls[0]?.[1])).toMatch(/database is locked/);
  });

  it('quits even when closing hangs', async () => {
    vi.useFakeTimers();
    const { app, quitEvent } = fakeApp();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    closeBeforeQuit(app as never, () => new Promise<void>(() => {}), 1000);
    app.emit('before-quit', quitEvent());
    await vi.advanceTimersByTimeAsync(999);
    expect(app.quit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(app.quit).toHaveBeenCalled();
  });
});
