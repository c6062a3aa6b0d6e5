/**
 * Names a queued audit: the same audit of the same store (dataset, model, layer, what
 * is computed) gets the same key on every run, so a restarted coordinator finds the
 * queues its previous run left; any other audit gets other queues.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { AuditSettings } from '../../../shared/audit';

export function auditKeyOf(
  storeFile: string,
  datasetId: number,
  modelHash: string,
  layer: string,
  settings: Pick<AuditSettings, 'methods' | 'targets'>,
  descriptorLayer: string | undefined,
): string {
  const parts = [os.hostname(), storeFile, datasetId, modelHash, layer, settings.methods.join(','), settings.targets, descriptorLayer ?? ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
