import { BOOTSTRAP_SEED, seededRandom } from '../../src/main/analysis/bootstrap';

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
