/** Progress of an audit in one line: a bar on a terminal, plain lines elsewhere. */
import type { AuditProgress } from '../../shared/audit';
import { phaseWords } from '../../shared/audit-phases';

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function formatProgress(p: AuditProgress, barWidth = 24): string {
  // Before explaining there are no counts to show; 'finished' is an end, not an ongoing step.
  if (p.phase === 'finished') return phaseWords(p.phase);
  if (p.phase !== 'explaining') return `${phaseWords(p.phase)}...`;
  const share = p.total === 0 ? 1 : p.done / p.total;
  const filled = Math.round(share * barWidth);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
  const parts = [
    `${bar} ${String(Math.floor(share * 100)).padStart(3)}%`,
    `${p.done}/${p.total}`,
    `${p.imagesPerSecond.toFixed(1)} img/s`,
    p.etaSeconds === null ? 'ETA --' : `ETA ${formatDuration(p.etaSeconds)}`,
  ];
  if (p.failed > 0) parts.push(`${p.failed} failed`);
  if (p.workers) parts.push(p.workers.length === 0 ? 'waiting for workers (biascope worker --queue ...)' : `${p.workers.length} worker${p.workers.length === 1 ? '' : 's'}`);
  if (p.paused) parts.push('paused');
  return parts.join('  ');
}

/**
 * Decides which updates a non-terminal log gets: phase changes, and then one line
 * every `everySeconds` so a CI log shows the audit moving without flooding.
 */
export class PlainProgress {
  private lastPhase = '';
  private lastAt = -Infinity;

  constructor(
    private readonly everySeconds = 5,
    private readonly now: () => number = () => performance.now(),
  ) {}

  lineFor(p: AuditProgress): string | null {
    const at = this.now();
    const phaseChanged = p.phase !== this.lastPhase;
    const finished = p.phase === 'explaining' && p.done === p.total;
    if (!phaseChanged && !finished && at - this.lastAt < this.everySeconds * 1000) return null;
    this.lastPhase = p.phase;
    this.lastAt = at;
    return formatProgress(p);
  }
}
