import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultWorkerCount, defaultWorkerFile } from '../../src/main/jobs/pool';

describe('the worker pool', () => {
  it('runs workers from the sources through the tsx entry, and names the bundle the build makes', () => {
    const file = defaultWorkerFile();
    expect(file).toMatch(/worker-entry\.mjs$/);
    expect(existsSync(fileURLToPath(file))).toBe(true);
    // The built app looks for audit-worker.js beside its main bundle: the build must emit it.
    const config = readFileSync(fileURLToPath(new URL('../../electron.vite.config.ts', import.meta.url)), 'utf8');
    expect(config).toMatch(/'audit-worker': resolve\(root, 'src\/main\/jobs\/worker\.ts'\)/);
  });

  it('defaults to one worker per core', () => {
    expect(defaultWorkerCount()).toBeGreaterThanOrEqual(1);
  });
});
