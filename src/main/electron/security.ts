/**
 * What the renderer may do: load our own page and nothing else, open no windows, ask
 * for no permissions, and reach the back end only from our window's own frame.
 * See https://www.electronjs.org/docs/latest/tutorial/security
 */
import type {
  BrowserWindow,
  IpcMainInvokeEvent,
  Session,
  WebContents,
} from 'electron';
import { CONTENT_SECURITY_POLICY } from '../util/content-security-policy';

export { CONTENT_SECURITY_POLICY };


/** Permissions the page may use; everything else is refused. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * Whether `url` is our page: the app scheme's host (app-protocol.ts), or a dev server,
 * by scheme, host and port; a file:// page (whose origin is opaque) only at the exact
 * path it was loaded from.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return target.protocol === 'file:' && target.pathname === app.pathname;
  // A custom scheme's origin reads "null" to Node's URL whatever its host: compare the parts.
  return target.protocol === app.protocol && target.host === app.host;
}

/** Denies new windows, webviews and navigation away from our page. */
export function hardenWebContents(contents: WebContents, appUrl: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  const guard = (event: { url: string; preventDefault(): void }): void => {
    if (!isAppUrl(event.url, appUrl)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
}

/** Refuses permission requests and sets the Content-Security-Policy header. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission));
  });
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
}

/**
 * Whether an IPC call comes from our window's main frame, showing our page. Anything
 * else (another window, an iframe, a page navigated elsewhere) is refused.
 */
export function isTrustedSender(
  event: IpcMainInvokeEvent,
  window: BrowserWindow | null,
  appUrl: string,
): boolean {
  if (!window || window.isDestroyed()) return false;
  const frame = event.senderFrame;
  const main = window.webContents.mainFrame;
  return (
    event.sender.id === window.webContents.id &&
    frame !== null &&
    frame.processId === main.processId &&
    frame.routingId === main.routingId &&
    isAppUrl(frame.url, appUrl)
  );
}
