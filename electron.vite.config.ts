import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = import.meta.dirname;

interface PackageJson {
  optionalDependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as PackageJson;

export default defineConfig({
  main: {
    build: {
      // Dependencies stay in node_modules: native addons (sharp, better-sqlite3,
      // tfjs-node) and the wasm backend's binaries cannot be bundled. electron-vite
      // externalizes `dependencies`; optional ones are added here.
      externalizeDeps: { include: Object.keys(pkg.optionalDependencies ?? {}) },
      rolldownOptions: {
        // The audit's worker threads load their own entry, next to the main bundle; the
        // command line is a third entry, so `biascope` runs compiled code instead of
        // transpiling the sources on every start.
        input: {
          index: resolve(root, 'src/main/index.ts'),
          'audit-worker': resolve(root, 'src/main/jobs/worker.ts'),
          cli: resolve(root, 'src/main/cli/main.ts'),
        },
        output: {
          // Shared and lazily imported chunks sit beside the entries, not in chunks/:
          // jobs/pool.ts finds audit-worker.js next to its own module, whichever
          // chunk it lands in. The command line's lazily loaded commands and help texts
          // are named for what they are (cli-audit, cli-usage-audit, beside audit, the job).
          chunkFileNames: (chunk) => {
            const from = chunk.facadeModuleId?.replaceAll('\\', '/') ?? '';
            if (from.includes('/src/main/cli/usage/')) return 'cli-usage-[name]-[hash].js';
            if (from.includes('/src/main/cli/')) return 'cli-[name]-[hash].js';
            return '[name]-[hash].js';
          },
        },
        // One copy of tfjs-core, whichever @tensorflow package is imported: a second,
        // bundled copy would have its own registry of backends and kernels.
        external: [/^@tensorflow\//],
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron' and runs only as CommonJS:
      // everything else is bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    build: {
      // Less to parse and compile before the first grid: minified, the bundle is a third of the size.
      minify: true,
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
    plugins: [svelte()],
  },
});
