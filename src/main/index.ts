import { app } from 'electron';
import { join } from 'node:path';
import { startDesktop } from './electron/app';
import { rendererUrl } from './electron/window';

const here = import.meta.dirname;

startDesktop({
  preloadPath: join(here, '../preload/index.cjs'),
  appUrl: rendererUrl(app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL']),
  rendererDir: join(here, '../renderer'),
});
