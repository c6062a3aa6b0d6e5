/**
 * Everything a transport needs, built once per process: the API object, the image
 * service, the event hub and the settings. Electron and `biascope serve` each build
 * one and wire it to their own transport; tests build one on a temporary folder.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import type { BiascopeApi } from '../shared/api';
import { createApi } from './api';
import { DatasetImages, type ImageService } from './images/image-service';
import { EventHub } from './workspace/event-hub';
import { Settings } from './workspace/settings';
import { Workspace, type Dialogs } from './workspace/workspace';
import type { PdfPrinter } from './export/report/pdf';
import { demoPaths } from './workspace/demo';

export type { Dialogs };
// What the desktop shell needs from the layers under the workspace, so that electron/
// (a transport) imports only this module and api.ts.
export { pdfPageCount, type PdfPrinter } from './export/report/pdf';
export { WindowStateSchema, type WindowState } from './workspace/settings';
// `biascope worker` computes for queued audits: no workspace, no store of its own.
export { runQueueWorker, type QueueWorkerOptions } from './jobs/queue/remote-worker';

export interface BackendOptions {
  name: string;
  version: string;
  /**
   * Holds settings.json and, unless `dbFile` is given, library.db. Absent (a command-line
   * run): settings live in memory and `dbFile` is required.
   */
  dataDir?: string;
  /** An audit database to open instead of `<dataDir>/library.db` (e.g. one written by `biascope audit`). */
  dbFile?: string;
  /** Opens the database read-only: for exports from a file the user may not write. */
  readonly?: boolean;
  /** Prepares the last audit's summaries ahead of the first request (the app's first screen); default true. */
  warm?: boolean;
  /** The demo preselected on a first run; found next to the app when absent, null for none. */
  demo?: { dataset: string; model: string } | null;
  /** Native pickers, in the desktop app. */
  dialogs?: Dialogs;
  /** Worker threads of audits; the number of cores when absent. */
  workers?: number;
  /** Prints reports to PDF (Electron's printToPDF in the desktop app); Chromium through Playwright when absent. */
  printPdf?: PdfPrinter;
  /** Where the Export dialog suggests a folder per dataset; ~/biascope-exports when absent. */
  exportsRoot?: string;
}

export interface Backend {
  readonly api: BiascopeApi;
  readonly images: ImageService;
  readonly events: EventHub;
  readonly settings: Settings;
  /** Cancels a running audit, waits for it, closes the database. */
  close(): Promise<void>;
}

export function createBackend(options: BackendOptions): Backend {
  const dbFile = options.dbFile ?? (options.dataDir === undefined ? undefined : path.join(options.dataDir, 'library.db'));
  if (dbFile === undefined) throw new Error('createBackend needs a data folder or a database file');
  const events = new EventHub();
  const images = new DatasetImages();
  const settings = new Settings(options.dataDir === undefined ? null : path.join(options.dataDir, 'settings.json'));
  const workspace = new Workspace({
    dbFile,
    ...(options.readonly ? { readonly: true } : {}),
    settings,
    images,
    events,
    demo: options.demo === undefined ? demoPaths() : options.demo,
    // In the home folder, not beside the dataset: the demo's sits in the app's own files.
    exportsRoot: options.exportsRoot ?? path.join(homedir(), 'biascope-exports'),
    ...(options.dialogs ? { dialogs: options.dialogs } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.printPdf ? { printPdf: options.printPdf } : {}),
  });
  const api = createApi({ name: options.name, version: options.version }, workspace);
  if (options.warm !== false) setTimeout(() => workspace.warm(), 0);
  return { api, images, events, settings, close: () => workspace.close() };
}
