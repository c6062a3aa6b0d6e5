import { BOOTSTRAP_SEED } from '../../src/main/analysis/bootstrap';
import { seededRandom } from '../../src/shared/random';

/**
 * The percentile bootstrap written the textbook way: an array of outcomes (successes
 * first), n indices drawn with replacement per resample, sorted statistics, type-7
 * quantiles. With the same generator it must give the module's intervals exactly.
 */
export function arrayBootstrap(groups: readonly { yes: number; n: number }[], statistic: (shares: number[]) => number, seed = BOOTSTRAP_SEED, resamples = 2000) {
  const random = seededRandom(seed);
  const arrays = groups.map((g) => Array.from({ length: g.n }, (_, i) => (i < g.yes ? 1 : 0)));
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const shares = arrays.map((values) => {
      let sum = 0;
      for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)]!;
      return sum / values.length;
    });
    draws.push(statistic(shares));
  }
  draws.sort((a, b) => a - b);
  const q = (p: number) => {
    const at = (draws.length - 1) * p;
    const lo = Math.floor(at);
    return draws[lo]! + (draws[Math.min(draws.length - 1, lo + 1)]! - draws[lo]!) * (at - lo);
  };
  return { low: q(0.025), high: q(0.975) };
}

/** The exact binomial bound at the end of an all-or-nothing share (Clopper-Pearson): (alpha/2)^(1/n). */
const exact = (n: number) => 0.025 ** (1 / n);

/** A share's interval as the report states it: the bootstrap, with an all-or-nothing end at its exact bound. */
export function expectedShare(g: { yes: number; n: number }): { low: number; high: number } {
  const boot = arrayBootstrap([g], ([p]) => p!);
  if (g.yes === g.n) return { low: Math.min(boot.low, exact(g.n)), high: boot.high };
  if (g.yes === 0) return { low: boot.low, high: Math.max(boot.high, 1 - exact(g.n)) };
  return boot;
}

/** A gap's interval as the report states it: the bootstrap, reaching an all-or-nothing group's exact bound. */
export function expectedGap(best: { yes: number; n: number }, worst: { yes: number; n: number }): { low: number; high: number } {
  const boot = arrayBootstrap([best, worst], ([x, y]) => x! - y!);
  const ends = (g: { yes: number; n: number }) => {
    const p = g.yes / g.n;
    return g.yes === g.n ? { low: exact(g.n), high: 1 } : g.yes === 0 ? { low: 0, high: 1 - exact(g.n) } : { low: p, high: p };
  };
  if (best.yes % best.n !== 0 && worst.yes % worst.n !== 0) return boot;
  const b = ends(best);
  const w = ends(worst);
  return { low: Math.min(boot.low, b.low - w.high), high: Math.max(boot.high, b.high - w.low) };
}
