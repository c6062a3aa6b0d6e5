/**
 * Exports facing a hostile folder or hostile names: a planted link is replaced, never
 * written through; a folder of /proc is refused at once; files appear whole; a cell that
 * a spreadsheet would run as a formula is kept text.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/main/backend';
import { csvText } from '../../src/main/export/safe-write';
import { writeFileAtomic } from '../../src/main/util/atomic-write';
import { errorKindOf } from '../../src/shared/api';
import type { AuditKey } from '../../src/shared/views';
import { auditThroughApi } from '../fixtures/backend-audit';
import { tempDir } from '../fixtures/temp';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';

describe('writing export files', () => {
  it('replaces a planted link instead of writing into its target, and leaves no temporary file', async () => {
    const dir = tempDir('biascope-atomic-');
    const victim = path.join(dir, 'bashrc');
    writeFileSync(victim, 'the user file\n');
    symlinkSync(victim, path.join(dir, 'report.html'));
    await writeFileAtomic(path.join(dir, 'report.html'), '<html>report</html>');
    expect(readFileSync(victim, 'utf8')).toBe('the user file\n');
    expect(lstatSync(path.join(dir, 'report.html')).isSymbolicLink()).toBe(false);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toBe('<html>report</html>');
    expect(readdirSync(dir).sort()).toEqual(['bashrc', 'report.html']);
  });

  it('keeps text that a spreadsheet would run as a formula as text, and numbers as numbers', () => {
    const csv = csvText([
      ['path', 'label', 'note', 'score'],
      ['cat/=cmd.png', '+1', '@SUM(A1)', -0.5],
      ['cat/ok.png', 'cat', '-x', 3],
      ['cat/tab.png', '\tlead', '\rlead', 0],
    ]);
    expect(csv.trim().split('\n')).toEqual(['path,label,note,score', "cat/=cmd.png,'+1,'@SUM(A1),-0.5", "cat/ok.png,cat,'-x,3", `cat/tab.png,'\tlead,"'\rlead",0`]);
  });
});

describe('exports into hostile folders', () => {
  let backend: Backend;
  let key: AuditKey;

  beforeAll(async () => {
    const root = demoSubset(4);
    backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-bad-exports-'), demo: null, workers: 1 });
    const dataset = await backend.api.openDataset({ root });
    const model = await backend.api.openModel({ path: DEMO_MODEL });
    await auditThroughApi(backend, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 1 });
    key = { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer!, method: 'gradcam' };
  });

  afterAll(async () => {
    await backend?.close();
  });

  it('writes the report over a planted report.html link, not into the file it points at', async () => {
    const dir = tempDir('biascope-export-link-');
    const victim = path.join(tempDir('biascope-victim-'), 'bashrc');
    writeFileSync(victim, 'the user file\n');
    symlinkSync(victim, path.join(dir, 'report.html'));
    await backend.api.exportFindings({ key, kind: 'report', dir, options: { pdf: false, trust: false } });
    expect(readFileSync(victim, 'utf8')).toBe('the user file\n');
    expect(lstatSync(path.join(dir, 'report.html')).isFile()).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it.each(['/proc/self/biascope-export', '/sys/biascope', '/dev/shm/../biascope'])('refuses to export into %s at once', async (dir) => {
    const error = await backend.api.exportFindings({ key, kind: 'images', dir, options: {} }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorKindOf(error)).toBe('invalid-input');
    expect((error as Error).message).toMatch(/is in \/(proc|sys|dev), the system's own files/);
    expect(existsSync(dir)).toBe(false);
  });
});
