/**
 * The page's Content-Security-Policy, shared by the desktop shell (electron/) and the
 * HTTP transport (serve/): both serve the same renderer, so they hold it to one policy.
 */
import { IMAGE_SCHEME } from '../../shared/client';

/**
 * The same policy is set in src/renderer/index.html (file:// pages get no headers) and
 * as a response header (the dev server). Styles allow 'unsafe-inline' because the dev
 * server injects <style> elements and Svelte sets style attributes. Dataset images come
 * from the image protocol (see protocol.ts).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${IMAGE_SCHEME}:`,
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');
