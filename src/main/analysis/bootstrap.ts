/**
 * Percentile bootstrap confidence intervals for the report's shares (an accuracy, a
 * share of maps on a region) and for the gap between two of them (Efron & Tibshirani
 * 1993, ch. 13). Seeded, so the same data give the same interval on every machine.
 *
 * A share of n yes/no outcomes resampled with replacement is the count of yeses in n
 * draws of probability k/n; drawing that count directly is the same resample without
 * building the array. A gap resamples each group on its own: the groups are
 * independent samples, and their sizes stay fixed as they were observed.
 */
import { seededRandom } from '../../shared/random';

export interface BootstrapOptions {
  /** Resamples drawn (default 2,000). */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
  /** Seed of the generator (default BOOTSTRAP_SEED). */
  seed?: number;
}

export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20_240_601;

/** A share with its interval: `estimate` of `n` outcomes, the truth within low..high at the level asked. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  n: number;
}

/** Quantile `q` of sorted values, linearly interpolated between order statistics (Hyndman & Fan type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile: no values');
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

/** Up to this many outcomes a resample draws each one; above, it inverts the binomial distribution of their count. */
export const DIRECT_DRAWS = 1000;

/**
 * Draws resampled shares of `n` outcomes with probability `p` of a yes. Small groups
 * draw outcome by outcome; large ones look a uniform number up in the cumulative
 * binomial distribution, built once around its mode out to where a count's
 * probability falls under 1e-17 of the mode's: the same distribution, drawn in
 * log time instead of n steps (a class of 100,000 images would take seconds).
 */
function shareSampler(p: number, n: number, random: () => number): () => number {
  if (n <= DIRECT_DRAWS || p === 0 || p === 1) {
    return () => {
      let yes = 0;
      for (let i = 0; i < n; i++) if (random() < p) yes++;
      return yes / n;
    };
  }
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const odds = p / (1 - p);
  const up: number[] = [1];
  for (let k = mode; k < n; k++) {
    const next = up[up.length - 1]! * ((n - k) / (k + 1)) * odds;
    if (next < 1e-17) break;
    up.push(next);
  }
  const down: number[] = [];
  for (let k = mode, w = 1; k > 0; k--) {
    w *= (k / (n - k + 1)) / odds;
    if (w < 1e-17) break;
    down.push(w);
  }
  const first = mode - down.length;
  const weights = [...down.reverse(), ...up];
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => (cumulative[i] = total += w));
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return (first + lo) / n;
  };
}

function settings(options: BootstrapOptions): { resamples: number; alpha: number; random: () => number } {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bootstrap: resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must be between 0 and 1, got ${level}`);
  return { resamples, alpha: 1 - level, random: seededRandom(options.seed ?? BOOTSTRAP_SEED) };
}

function checkCounts(yes: number, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`bootstrap: a share needs at least one outcome, got n = ${n}`);
  if (!Number.isInteger(yes) || yes < 0 || yes > n) throw new Error(`bootstrap: ${yes} successes out of ${n} is not a count`);
}

function interval(estimate: number, n: number, draws: number[], alpha: number): Interval {
  draws.sort((a, b) => a - b);
  return { estimate, n, low: quantile(draws, alpha / 2), high: quantile(draws, 1 - alpha / 2) };
}

/** Widens the interval of an all-or-nothing share to the exact binomial bound at its degenerate end. */
function exactEnds(i: Interval, yes: number, alpha: number): Interval {
  const bound = (alpha / 2) ** (1 / i.n);
  if (yes === i.n) return { ...i, low: Math.min(i.low, bound) };
  if (yes === 0) return { ...i, high: Math.max(i.high, 1 - bound) };
  return i;
}

/** The interval of the share `yes / n`. */
export function shareInterval(yes: number, n: number, options: BootstrapOptions = {}): Interval {
  checkCounts(yes, n);
  const { resamples, alpha, random } = settings(options);
  const p = yes / n;
  const draw = shareSampler(p, n, random);
  const draws = Array.from({ length: resamples }, draw);
  return exactEnds(interval(p, n, draws, alpha), yes, alpha);
}

/** The interval of `a - b` for two independent shares, each resampled within its own group; `n` is both groups' size. */
export function gapInterval(a: { yes: number; n: number }, b: { yes: number; n: number }, options: BootstrapOptions = {}): Interval {
  checkCounts(a.yes, a.n);
  checkCounts(b.yes, b.n);
  const { resamples, alpha, random } = settings(options);
  const pa = a.yes / a.n;
  const pb = b.yes / b.n;
  const drawA = shareSampler(pa, a.n, random);
  const drawB = shareSampler(pb, b.n, random);
  const draws = Array.from({ length: resamples }, () => drawA() - drawB());
  const gap = interval(pa - pb, a.n + b.n, draws, alpha);
  const degenerate = (g: { yes: number; n: number }) => g.yes === 0 || g.yes === g.n;
  if (!degenerate(a) && !degenerate(b)) return gap;
  const ia = exactEnds({ estimate: pa, n: a.n, low: pa, high: pa }, a.yes, alpha);
  const ib = exactEnds({ estimate: pb, n: b.n, low: pb, high: pb }, b.yes, alpha);
  return { ...gap, low: Math.min(gap.low, ia.low - ib.high), high: Math.max(gap.high, ia.high - ib.low) };
}
