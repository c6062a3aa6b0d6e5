/**
 * The audit the app runs: at most one per process (the runner assumes one writer per
 * database), its state as the UI sees it, and progress events at a pace a UI can
 * follow (a few per second, and at once when the status changes).
 */
import type { AuditState } from '../../shared/api';
import { CallError } from '../../shared/api';
import type { AuditRoles, AuditSettings } from '../../shared/audit';
import type { EventSink } from '../../shared/events';
import type { AuditRun, AuditTarget } from '../jobs/audit';
import type { Store } from '../store';

const PROGRESS_INTERVAL_MS = 250;

export class AuditControl {
  private run: AuditRun | null = null;
  /** Between a start and its run: a second start in that moment is a conflict too. */
  private starting = false;
  private state: AuditState | null = null;
  private lastEmit = 0;
  private pending: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: Store,
    private readonly emit: EventSink,
    private readonly onReady: (target: AuditTarget, settings: AuditSettings) => void,
    /** Results were written (each progress step follows a written batch). */
    private readonly onResults: () => void,
    /** Sets the region roles an audit names; throws CallError for a region the dataset lacks. */
    private readonly applyRoles: (datasetId: number, roles: AuditRoles) => void,
    private readonly workers?: number,
  ) {}

  current(): AuditState | null {
    return this.state;
  }

  async start(settings: AuditSettings): Promise<AuditState> {
    if (this.run || this.starting) throw new CallError('conflict', 'an audit is already running: cancel it or wait for it to finish');
    this.starting = true;
    let run: AuditRun;
    try {
      // The audit's pipeline (decoding, the worker pool) loads with the first audit, not
      // with the app: a command that only exports never pays for it.
      const { AuditError, startAudit } = await import('../jobs/audit');
      try {
        run = startAudit(
          this.store,
          { ...settings, ...(this.workers && !settings.workers ? { workers: this.workers } : {}) },
          settings.backend ? { backend: settings.backend } : {},
        );
      } catch (error) {
        // Settings the runner refuses (a guided method, say) are the caller's to fix.
        if (error instanceof AuditError) throw new CallError('invalid-input', error.message);
        throw error;
      }
    } finally {
      this.starting = false;
    }
    this.run = run;
    this.state = {
      status: 'running',
      settings: run.settings,
      datasetId: null,
      modelId: null,
      layer: null,
      progress: run.snapshot(),
      summary: null,
      error: null,
    };
    // Roles naming a region the dataset lacks stop the audit here: scanned, nothing computed.
    let refused: Error | null = null;
    run.on('ready', (target) => {
      if (run.settings.roles) {
        try {
          this.applyRoles(target.datasetId, run.settings.roles);
        } catch (error) {
          refused = error instanceof Error ? error : new Error(String(error));
          run.cancel();
          return;
        }
      }
      this.patch({ datasetId: target.datasetId, modelId: target.modelId, layer: target.layer }, true);
      this.onReady(target, run.settings);
    });
    run.on('progress', (progress) => {
      this.onResults();
      // A new phase goes out at once: a tool following --json-progress sees every stage.
      const changed = progress.paused !== (this.state?.status === 'paused') || progress.phase !== this.state?.progress.phase;
      this.patch({ progress, status: progress.paused ? 'paused' : 'running' }, changed);
    });
    run.finished.then(
      (summary) =>
        refused
          ? this.end({ status: 'failed', error: `${refused.message}; nothing was computed`, progress: run.snapshot() })
          : this.end({ status: summary.outcome, summary, progress: run.snapshot() }),
      (error: unknown) => this.end({ status: 'failed', error: error instanceof Error ? error.message : String(error), progress: run.snapshot() }),
    );
    return this.state;
  }

  pause(): AuditState | null {
    this.run?.pause();
    return this.state;
  }

  resume(): AuditState | null {
    this.run?.resume();
    return this.state;
  }

  cancel(): AuditState | null {
    this.run?.cancel();
    return this.state;
  }

  /** Cancels a running audit and waits until it has stopped writing. */
  async close(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.cancel();
    await run.finished.catch(() => undefined);
  }

  private end(patch: Partial<AuditState>): void {
    this.run = null;
    this.onResults();
    this.patch(patch, true);
  }

  private patch(patch: Partial<AuditState>, now: boolean): void {
    if (!this.state) return;
    this.state = { ...this.state, ...patch };
    const wait = PROGRESS_INTERVAL_MS - (Date.now() - this.lastEmit);
    if (now || wait <= 0) {
      this.flush();
    } else {
      this.pending ??= setTimeout(() => this.flush(), wait);
    }
  }

  private flush(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.lastEmit = Date.now();
    if (this.state) this.emit('audit', this.state);
  }
}
