/**
 * The audit's phases in words, for people: the progress bar of the app and of the
 * CLI, and the `words` of the CLI's JSON progress events. Pure: no Node, no DOM.
 */
import type { AuditPhase } from './audit';

/** Keyed by every phase, so a new phase without words fails to type-check. */
export const PHASE_WORDS: Readonly<Record<AuditPhase, string>> = {
  scanning: 'scanning the dataset',
  hashing: 'hashing images',
  planning: 'planning what is missing',
  'loading-model': 'loading the model',
  explaining: 'explaining',
  finished: 'finished',
};

export function phaseWords(phase: AuditPhase): string {
  return PHASE_WORDS[phase];
}
