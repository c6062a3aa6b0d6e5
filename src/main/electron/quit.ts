import type { App } from 'electron';

/** Long enough for an audit to stop between batches and the database to close. */
export const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Holds the first quit until `close` has finished (audits cancelled, workers stopped,
 * the database closed), then quits for real. A close that fails or hangs is reported
 * and does not keep the app from quitting.
 */
export function closeBeforeQuit(
  app: Pick<App, 'on' | 'quit'>,
  close: () => Promise<void>,
  timeoutMs = CLOSE_TIMEOUT_MS,
): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    void settle(close, timeoutMs).then(() => {
      state = 'closed';
      app.quit();
    });
  });
}

async function settle(close: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`biascope: the back end did not close within ${timeoutMs} ms; quitting anyway`);
      resolve();
    }, timeoutMs);
  });
  // Started at once; a close that throws instead of rejecting is caught the same way.
  const closing = (async () => close())().catch((error: unknown) => console.error('biascope: closing the back end failed:', error));
  try {
    await Promise.race([closing, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
