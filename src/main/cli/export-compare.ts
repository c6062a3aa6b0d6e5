/**
 * `biascope export compare`: two stored audits of a dataset compared per class (and
 * group), written as compare.csv and compare.json. The audits are named as
 * model.json[:layer[:method]], or by default are the dataset's two latest (the older
 * as A, the newer as B: before and after).
 */
import path from 'node:path';
import { CallError } from '../../shared/api';
import { isMethodName } from '../../shared/explain';
import type { SpuriousRules } from '../../shared/suggestions';
import type { AuditKey } from '../../shared/views';
import { movedMost, writeCompareFiles } from '../export/compare-files';
import type { Store } from '../store';
import type { DatasetRow } from '../store/types';
import { compareView } from '../workspace/compare-view';
import { checkRules } from '../workspace/suggestions-view';
import { CliError, UsageError } from './errors';
import type { ExportContext } from './export-kinds';

interface Stored {
  key: AuditKey;
  modelPath: string;
}

const named = (audit: Stored) => `${audit.modelPath}:${audit.key.layer}:${audit.key.method}`;

/** The user may name model.json or its folder, whichever the database holds. */
function samePath(stored: string, given: string): boolean {
  return stored === given || path.dirname(stored) === given || stored === path.dirname(given);
}

/**
 * Splits on the colons from the right, so a path holding a colon (C:\models\...) still
 * works: the longest prefix naming a stored model is the path, what follows is the
 * layer, then the method.
 */
function select(audits: readonly Stored[], selector: string, option: string): Stored {
  const parts = selector.split(':');
  for (let extra = 0; extra <= Math.min(2, parts.length - 1); extra++) {
    const modelPath = path.resolve(parts.slice(0, parts.length - extra).join(':'));
    const ofModel = audits.filter((audit) => samePath(audit.modelPath, modelPath));
    if (ofModel.length === 0) continue;
    const [layer, method] = parts.slice(parts.length - extra);
    const found = ofModel.find((audit) => (layer === undefined || audit.key.layer === layer) && (method === undefined || audit.key.method === method));
    if (found) return found;
    throw new CliError(`${option} ${selector}: the model has no such audit; it has ${ofModel.map(named).join(', ')}`);
  }
  throw new CliError(`${option} ${selector}: no audit of that model is stored for this dataset; stored: ${audits.map(named).join(', ')}`);
}

export function pickAudits(store: Store, dataset: DatasetRow, a: string | undefined, b: string | undefined): { a: AuditKey; b: AuditKey } {
  // Newest result set first.
  const audits: Stored[] = store.storedAudits(dataset.id).flatMap((row) =>
    isMethodName(row.method) ? [{ key: { datasetId: dataset.id, modelId: row.modelId, layer: row.layer, method: row.method }, modelPath: row.modelPath }] : [],
  );
  if (audits.length < 2) {
    throw new CliError(`comparing needs two audits of ${dataset.root}; the database holds ${audits.length}: audit another model or layer first`);
  }
  let chosenA = a === undefined ? undefined : select(audits, a, '--a');
  let chosenB = b === undefined ? undefined : select(audits, b, '--b');
  if (!chosenA && !chosenB) [chosenA, chosenB] = [audits[1]!, audits[0]!];
  chosenA ??= audits.find((audit) => audit !== chosenB)!;
  chosenB ??= audits.find((audit) => audit !== chosenA)!;
  if (chosenA === chosenB) throw new CliError(`--a and --b name the same audit (${named(chosenA)}): choose two`);
  return { a: chosenA.key, b: chosenB.key };
}

export interface CompareRequestArgs {
  a: string | undefined;
  b: string | undefined;
  groupBy: string | undefined;
  /** Regions named on the command line; with neither, the rules stored for the dataset (set in the app). */
  spurious: readonly string[] | undefined;
  evidence: readonly string[] | undefined;
  threshold: number;
}

function rulesOf(args: CompareRequestArgs): SpuriousRules | undefined {
  if (!args.spurious?.length && !args.evidence?.length) return undefined;
  const rules = { spurious: [...new Set(args.spurious ?? [])], evidence: [...new Set(args.evidence ?? [])], threshold: args.threshold };
  if (rules.spurious.some((name) => rules.evidence.includes(name))) throw new UsageError('a region cannot be both --spurious-region and --evidence-region');
  return rules;
}

export async function exportCompare({ store, dataset, out, io }: ExportContext, args: CompareRequestArgs): Promise<string[]> {
  const { a, b } = pickAudits(store, dataset, args.a, args.b);
  const rules = rulesOf(args);
  let view;
  try {
    if (rules) checkRules(rules, store.datasetOverview(dataset.id).regions);
    view = compareView(store, { a, b, groupBy: args.groupBy ?? null }, rules ? { rules } : {});
  } catch (error) {
    if (error instanceof CallError) throw new CliError(error.message);
    throw error;
  }
  await io.out(`A: ${view.a.modelPath} ${view.a.layer} ${view.a.method} (${view.a.audited} images)`);
  await io.out(`B: ${view.b.modelPath} ${view.b.layer} ${view.b.method} (${view.b.audited} images)`);
  if (view.onlyA + view.onlyB > 0) await io.out(`  ${view.both} images explained by both, ${view.onlyA} by A only, ${view.onlyB} by B only`);
  if (view.rules.spurious.length === 0) await io.out('  no spurious region named: name one with --spurious-region (or mark it in the app) for the spurious-focus share');
  for (const line of movedMost(view)) await io.out(line);
  return writeCompareFiles(view, out);
}
