/**
 * A colour in a word, for sentences a person reads ("red squares, top corners"). Named by
 * hue, lightness and saturation rather than by the nearest of a palette: a palette's
 * nearest neighbour calls a dark red "brown" or "maroon" depending on the palette, while
 * a reader of an audit wants the plain word. Pure: main and renderer name colours alike.
 */

export type Rgb = readonly [number, number, number];

const HUES: readonly [number, string][] = [
  [15, 'red'],
  [45, 'orange'],
  [70, 'yellow'],
  [165, 'green'],
  [200, 'cyan'],
  [260, 'blue'],
  [290, 'purple'],
  [335, 'pink'],
  [360, 'red'],
];

/** "red", "dark blue", "light grey", "white"... from 0..255 RGB. */
export function colourName([r, g, b]: Rgb): string {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const lightness = (max + min) / 2;
  const chroma = max - min;
  const saturation = chroma === 0 ? 0 : chroma / (1 - Math.abs(2 * lightness - 1));
  if (chroma < 0.08 || saturation < 0.15) {
    if (lightness < 0.15) return 'black';
    if (lightness > 0.88) return 'white';
    return lightness < 0.4 ? 'dark grey' : lightness > 0.7 ? 'light grey' : 'grey';
  }
  const hue = hueOf(r / 255, g / 255, b / 255, max, chroma);
  const name = HUES.find(([limit]) => hue < limit)?.[1] ?? 'red';
  if (lightness < 0.25) return `dark ${name}`;
  if (lightness > 0.78) return `light ${name}`;
  return name;
}

function hueOf(r: number, g: number, b: number, max: number, chroma: number): number {
  const sector = max === r ? ((g - b) / chroma + 6) % 6 : max === g ? (b - r) / chroma + 2 : (r - g) / chroma + 4;
  return sector * 60;
}

/** "#c81e1e" from 0..255 RGB. */
export function hexColour([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('')}`;
}
