/**
 * The commands of `biascope`, each one loaded only when it runs. The summaries live here
 * rather than in the command modules so that listing them imports nothing;
 * test/cli/cli.test.ts checks that they match the modules' own.
 */
import type { CommandEntry } from './command';

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'audit',
    summary: 'explain every image of a dataset folder, cached in SQLite, with CSV reports',
    usage: async () => (await import('./usage/audit')).AUDIT_USAGE,
    load: async () => (await import('./audit')).auditCommand,
  },
  {
    name: 'explain',
    summary: 'predictions and attribution maps (Grad-CAM, ...) for images',
    usage: async () => (await import('./usage/explain')).EXPLAIN_USAGE,
    load: async () => (await import('./explain')).explainCommand,
  },
  {
    name: 'export',
    summary: 'write findings from an audit database (report, rebalance, images, clusters, boxes, trust, compare)',
    usage: async () => (await import('./export-args')).exportUsage(),
    load: async () => (await import('./export')).exportCommand,
  },
  {
    name: 'layers',
    summary: "a model's layers, and which ones a CAM method can target",
    usage: async () => (await import('./usage/layers')).LAYERS_USAGE,
    load: async () => (await import('./layers')).layersCommand,
  },
  {
    name: 'serve',
    summary: 'the app in a browser, over HTTP (loopback and a token by default)',
    usage: async () => (await import('./usage/serve')).SERVE_USAGE,
    load: async () => (await import('./serve')).serveCommand,
  },
  {
    name: 'worker',
    summary: 'compute for audits queued on a Redis server (biascope audit --queue), on this machine',
    usage: async () => (await import('./usage/worker')).WORKER_USAGE,
    load: async () => (await import('./worker')).workerCommand,
  },
];
