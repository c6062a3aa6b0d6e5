/**
 * The layering rule (biascope/no-cross-layer) on snippets at made-up paths: the lint
 * config is loaded once and each snippet linted in memory, so no file is written.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAYERS, forbiddenLayers, layerOf } from '../../scripts/layers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RULE = 'biascope/no-cross-layer';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The layering messages for `code` placed at `file` (relative to the root). */
async function crossings(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((message) => message.ruleId === RULE).map((message) => message.message);
}

describe('no-cross-layer', () => {
  it('reports an import of a higher layer', async () => {
    const found = await crossings('src/main/store/x.ts', "import { Workspace } from '../workspace/workspace';\nexport const w = Workspace;\n");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^'\.\.\/workspace\/workspace' is in src\/main\/workspace: /);
  });

  it('reports a transport importing the store, type-only imports included', async () => {
    expect(await crossings('src/main/serve/x.ts', "import { openStore } from '../store';\nexport const o = openStore;\n")).toHaveLength(1);
    expect(await crossings('src/main/electron/x.ts', "import type { Settings } from '../workspace/settings';\nexport type S = Settings;\n")).toHaveLength(1);
    expect(await crossings('src/main/index.ts', "export type S = import('./store').Store;\n")).toHaveLength(1);
  });

  it('lets a layer import its own folder and the layers below', async () => {
    const code = [
      "import { a } from './a';",
      "import { openStore } from '../store';",
      "import type { Network } from '../engine';",
      "import { chunks } from '../util/chunks';",
      "import type { BiascopeApi } from '../../shared/api';",
      'export const all = [a, openStore, chunks];',
      'export type T = [Network, BiascopeApi];',
      '',
    ].join('\n');
    expect(await crossings('src/main/workspace/x.ts', code)).toEqual([]);
    // the transports' own allowances
    expect(await crossings('src/main/cli/x.ts', "export { explain } from '../engine';\nexport * from '../serve/server';\nexport * from '../backend';\n")).toEqual([]);
    expect(await crossings('src/main/index.ts', "import { start } from './electron/app';\nexport const s = start;\n")).toEqual([]);
  });

  it('catches `export ... from`, `export * from` and `import()`', async () => {
    expect(await crossings('src/main/store/x.ts', "export * from '../workspace/workspace';\n")).toHaveLength(1);
    expect(await crossings('src/main/library/x.ts', "export { openStore } from '../store';\n")).toHaveLength(1);
    expect(await crossings('src/main/analysis/x.ts', "export const load = () => import('../jobs/audit');\n")).toHaveLength(1);
    expect(await crossings('src/main/analysis/x.ts', 'export const load = () => import(`../export/report`);\n')).toHaveLength(1);
  });

  it('keeps peers apart and the lower tiers in strict order', async () => {
    const one = async (file: string, source: string) => (await crossings(file, `export * from '${source}';\n`)).length;
    expect(await one('src/main/jobs/x.ts', '../export/report')).toBe(1);
    expect(await one('src/main/export/x.ts', '../jobs/audit')).toBe(1);
    expect(await one('src/main/store/x.ts', '../images/image-service')).toBe(1);
    expect(await one('src/main/engine/x.ts', '../library')).toBe(1);
    expect(await one('src/main/library/x.ts', '../store')).toBe(1);
    expect(await one('src/main/util/x.ts', '../engine')).toBe(1);
    expect(await one('src/main/workspace/x.ts', '../backend')).toBe(1);
    expect(await one('src/main/serve/x.ts', '../cli/args')).toBe(1);
    expect(await one('src/main/electron/x.ts', '../engine')).toBe(1);
    expect(await one('src/main/jobs/x.ts', '../../renderer/src/state/context')).toBe(1);
    expect(await one('src/shared/x.ts', '../main/util/chunks')).toBe(1);
  });
});

describe('the layer table', () => {
  it('places every folder and file of src/main in one layer', () => {
    const main = path.join(ROOT, 'src/main');
    const entries = readdirSync(main).filter((name) => !name.startsWith('.'));
    const unplaced = entries.filter((name) => !layerOf(ROOT, path.join(main, name, name.endsWith('.ts') ? '' : 'x.ts')));
    expect(unplaced).toEqual([]);
  });

  it('forbids every higher rank to a ranked layer', () => {
    for (const layer of LAYERS.filter((l) => !l.may)) {
      const forbidden = new Set(forbiddenLayers(layer));
      for (const other of LAYERS) expect(forbidden.has(other), `${layer.name} -> ${other.name}`).toBe(other !== layer && other.rank >= layer.rank);
    }
  });
});
