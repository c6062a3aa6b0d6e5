/**
 * The built command line, out/main/cli.js: bin/biascope.js runs it, it prints what the
 * sources print, and its entry loads none of the heavy dependencies. `npm test` builds
 * before running the tests; run alone, this file builds when the bundle is missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { topLevelUsage } from '../../src/main/cli/cli';
import { exportUsage } from '../../src/main/cli/export-args';
import { BIN, type CliRun } from './run-cli';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'out', 'main');
const CLI = path.join(OUT, 'cli.js');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Packages that take from a few hundredths of a second (better-sqlite3, ONNX Runtime) to
 * over half a second (playwright-core) to load, each needed by some commands only; zod
 * (a tenth of a second) checks data the help never reads.
 */
const HEAVY = [/^@tensorflow\//, /^onnxruntime-node$/, /^sharp$/, /^better-sqlite3$/, /^playwright-core$/, /^zod$/];

function run(args: readonly string[], fromSources: '0' | '1'): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, BIASCOPE_FROM_SOURCES: fromSources };
    execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

/** The specifiers a built chunk imports statically (import and export ... from, not import()). */
function staticImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const pattern = /^(?:import|export)\s+(?:[^;'"]*?\s+from\s+)?["']([^"']+)["']/gm;
  return [...code.matchAll(pattern)].map((m) => m[1]!);
}

/** The packages a chunk loads before its first line runs: its static imports, followed through the bundle's own chunks. */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(entry);
  return packages;
}

function heavyAmong(packages: Set<string>): string[] {
  return [...packages].filter((p) => HEAVY.some((pattern) => pattern.test(p)));
}

beforeAll(() => {
  if (!existsSync(CLI)) execFileSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'ignore' });
});

describe('the built biascope', () => {
  it('prints the command list on --help and the package version on --version', async () => {
    const help = await run(['--help'], '0');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toBe(topLevelUsage() + '\n');
    const version = await run(['--version'], '0');
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('answers a command help from its text alone, as the sources do', async () => {
    const built = await run(['export', '--help'], '0');
    expect(built).toMatchObject({ code: 0, stdout: exportUsage() + '\n' });
    expect(await run(['export', '--help'], '1')).toEqual(built);
  });

  it('reports a wrong command line the same way as the sources', async () => {
    const built = await run(['export', 'nothing', '--db', 'x.db'], '0');
    expect(built.code).toBe(2);
    expect(built.stderr).toMatch(/^biascope export: cannot export "nothing"/);
    expect(await run(['export', 'nothing', '--db', 'x.db'], '1')).toEqual(built);
  });

  it('loads none of the heavy dependencies before a command runs', () => {
    const packages = packagesLoadedBy(CLI);
    // The reading of imports must work for the check to mean anything: cli.js does import its own chunks.
    expect(staticImports(CLI).some((s) => s.startsWith('./'))).toBe(true);
    expect(heavyAmong(packages)).toEqual([]);
  });

  it('loads no heavy dependency for a command help, nor the commands themselves', () => {
    const code = readFileSync(CLI, 'utf8');
    const dynamic = [...code.matchAll(/import\(["'](\.\/[^"']+)["']\)/g)].map((m) => m[1]!);
    const usage = dynamic.filter((s) => s.includes('cli-usage-'));
    expect(usage).toHaveLength(5);
    for (const chunk of usage) expect(heavyAmong(packagesLoadedBy(path.join(OUT, chunk))), chunk).toEqual([]);
    // export's help is made from the contract's export kinds: zod, and nothing heavier.
    const exportHelp = dynamic.filter((s) => s.includes('cli-export-args-'));
    expect(exportHelp).toHaveLength(1);
    expect(heavyAmong(packagesLoadedBy(path.join(OUT, exportHelp[0]!)))).toEqual(['zod']);
    // The command implementations are behind import(): what they load is loaded when they run.
    expect(dynamic.filter((s) => !s.includes('cli-usage-') && !s.includes('cli-export-args-'))).toHaveLength(6);
  });

  it('keeps the audit worker beside the chunk that starts the pool, which looks for it there', () => {
    // jobs/pool.ts resolves ./audit-worker.js against its own chunk: chunks must not move to a subfolder.
    const starters = readdirSync(OUT, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.js') && file !== 'audit-worker.js' && readFileSync(path.join(OUT, file), 'utf8').includes('"./audit-worker.js"'),
    );
    expect(starters.length).toBeGreaterThan(0);
    for (const file of starters) expect(path.dirname(file), file).toBe('.');
    expect(existsSync(path.join(OUT, 'audit-worker.js'))).toBe(true);
  });
});
