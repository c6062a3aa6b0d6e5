/**
 * Colormaps as 256-entry RGBA lookup tables (alpha 255), built once per name.
 * Pure: no DOM, no Node.
 */

export const COLORMAPS = ['turbo', 'viridis', 'jet'] as const;
export type ColormapName = (typeof COLORMAPS)[number];

export function isColormapName(value: string): value is ColormapName {
  return (COLORMAPS as readonly string[]).includes(value);
}

/** Entries in a table; a map value t in [0, 1] picks entry round(t * 255). */
export const LUT_SIZE = 256;

/** Polynomial coefficients per channel, constant term first. */
type ChannelPolynomials = readonly [readonly number[], readonly number[], readonly number[]];

/**
 * Turbo (Mikhailov 2019, "Turbo, An Improved Rainbow Colormap for Visualization",
 * Google AI blog). Degree-5 fit of the published 256-entry table by Ruofei Du,
 * Google, Apache-2.0: https://gist.github.com/mikhailov-work/0d177465a8151eb6ede1768d51d476c7
 */
const TURBO: ChannelPolynomials = [
  [0.13572138, 4.6153926, -42.66032258, 132.13108234, -152.94239396, 59.28637943],
  [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604],
  [0.1066733, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973],
];

/**
 * Viridis (van der Walt and Smith, matplotlib 2015). Degree-6 minimax fit of the
 * BIDS colormap data by Matt Zucker, CC0: https://www.shadertoy.com/view/WlfXRN
 */
const VIRIDIS: ChannelPolynomials = [
  [
    0.2777273272234177, 0.1050930431085774, -0.3308618287255563, -4.634230498983486, 6.228269936347081,
    4.776384997670288, -5.435455855934631,
  ],
  [
    0.005407344544966578, 1.404613529898575, 0.214847559468213, -5.799100973351585, 14.17993336680509,
    -13.74514537774601, 4.645852612178535,
  ],
  [
    0.3340998053353061, 1.384590162594685, 0.09509516302823659, -19.33244095627987, 56.69055260068105,
    -65.35303263337234, 26.3124352495832,
  ],
];

/** Horner's rule: c0 + t(c1 + t(c2 + ...)). */
function polynomial(coefficients: readonly number[], t: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * t + coefficients[i]!;
  return value;
}

/**
 * MATLAB's jet: each channel a trapezoid of height 1 over a quarter-wide ramp,
 * offset by a quarter: blue peaks at t=1/4, green at 1/2, red at 3/4, so the ends
 * are half-bright blue (0,0,0.5) and half-bright red (0.5,0,0).
 */
function jet(t: number): [number, number, number] {
  const channel = (centre: number) => Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - centre)));
  return [channel(3), channel(2), channel(1)];
}

const COLOR_FUNCTIONS: Record<ColormapName, (t: number) => readonly number[]> = {
  turbo: (t) => TURBO.map((c) => polynomial(c, t)),
  viridis: (t) => VIRIDIS.map((c) => polynomial(c, t)),
  jet,
};

const cache = new Map<ColormapName, Uint8ClampedArray>();

/**
 * The table for a colormap: LUT_SIZE RGBA entries, shared by every caller (treat
 * it as read-only). Uint8ClampedArray clamps the fits' slight overshoot to 0..255.
 */
export function colormapLut(name: ColormapName): Uint8ClampedArray {
  const cached = cache.get(name);
  if (cached) return cached;
  const color = COLOR_FUNCTIONS[name];
  if (!color) {
    throw new Error(`colormapLut: unknown colormap "${String(name)}"; expected one of ${COLORMAPS.join(', ')}`);
  }
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const [r, g, b] = color(i / (LUT_SIZE - 1));
    lut[i * 4] = r! * 255;
    lut[i * 4 + 1] = g! * 255;
    lut[i * 4 + 2] = b! * 255;
    lut[i * 4 + 3] = 255;
  }
  cache.set(name, lut);
  return lut;
}
