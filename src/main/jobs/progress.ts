/** Pace and time left of an audit, from the images finished so far. */

export class ProgressMeter {
  private started: number | null = null;
  private pausedAt: number | null = null;
  private pausedFor = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts the clock at the first batch dispatched, so scanning does not count. */
  start(): void {
    this.started ??= this.now();
  }

  pause(): void {
    if (this.started !== null) this.pausedAt ??= this.now();
  }

  resume(): void {
    if (this.pausedAt === null) return;
    this.pausedFor += this.now() - this.pausedAt;
    this.pausedAt = null;
  }

  /** Seconds spent working: paused time does not count. */
  elapsedSeconds(): number {
    if (this.started === null) return 0;
    const end = this.pausedAt ?? this.now();
    return Math.max(0, (end - this.started - this.pausedFor) / 1000);
  }

  rate(done: number): number {
    const elapsed = this.elapsedSeconds();
    return elapsed > 0 ? done / elapsed : 0;
  }

  etaSeconds(done: number, total: number): number | null {
    const rate = this.rate(done);
    if (done === 0 || rate === 0) return null;
    return Math.max(0, (total - done) / rate);
  }
}
