/** Human output of `biascope explain`: predictions as a table, maps as ASCII art. */
import type { ExplainedMap } from '../engine/explain';
import type { MapData, Prediction } from '../../shared/explain';

/** Darkest to brightest; a cell shows its value relative to the map's maximum. */
export const RAMP = ' .:-=+*#%@';
/** Wider maps (guided methods at input resolution) are averaged down to this. */
export const MAX_ART_WIDTH = 32;

export function formatPredictions(predictions: readonly Prediction[]): string[] {
  const nameWidth = Math.max(...predictions.map((p) => p.name.length));
  return predictions.map((p) => {
    const prob = `${(p.prob * 100).toFixed(1)}%`.padStart(6);
    const logit = (p.logit >= 0 ? ' ' : '') + p.logit.toFixed(3);
    return `${p.name.padEnd(nameWidth)}  ${prob}  logit ${logit}`;
  });
}

/** Block-averages a map so that it is at most `maxWidth` cells wide, keeping its aspect. */
export function shrinkMap(map: MapData, maxWidth: number): MapData {
  const factor = Math.ceil(map.width / maxWidth);
  if (factor <= 1) return map;
  const width = Math.ceil(map.width / factor);
  const height = Math.ceil(map.height / factor);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let count = 0;
      for (let sy = y * factor; sy < Math.min((y + 1) * factor, map.height); sy++) {
        for (let sx = x * factor; sx < Math.min((x + 1) * factor, map.width); sx++) {
          sum += map.data[sy * map.width + sx]!;
          count++;
        }
      }
      data[y * width + x] = sum / count;
    }
  }
  return { width, height, data };
}

export function mapMax(data: Float32Array): number {
  let max = 0;
  for (const v of data) if (v > max) max = v;
  return max;
}

/**
 * One text row per map row. Normalised to the map's maximum for display only;
 * each cell is two characters wide because terminal cells are about twice as tall.
 */
export function asciiHeatmap(map: MapData, maxWidth = MAX_ART_WIDTH): string[] {
  const shown = shrinkMap(map, maxWidth);
  const max = mapMax(shown.data);
  const top = RAMP.length - 1;
  const rows: string[] = [];
  for (let y = 0; y < shown.height; y++) {
    let row = '';
    for (let x = 0; x < shown.width; x++) {
      const v = shown.data[y * shown.width + x]!;
      const level = max > 0 ? Math.min(top, Math.max(0, Math.round((v / max) * top))) : 0;
      row += RAMP[level]!.repeat(2);
    }
    rows.push(`|${row}|`);
  }
  const border = `+${'-'.repeat(shown.width * 2)}+`;
  return [border, ...rows, border];
}

function formatNumber(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

export function formatMapHeader(explained: ExplainedMap): string {
  const { method, layer, target, map } = explained;
  const parts = [
    method,
    layer === null ? 'input pixels' : `layer ${layer}`,
    `target ${target.name} (${target.index})`,
    `${map.width}x${map.height}`,
    `max ${formatNumber(mapMax(map.data))}`,
  ];
  return parts.join('  ·  ');
}

export function formatMap(explained: ExplainedMap): string[] {
  const art = asciiHeatmap(explained.map);
  const note = mapMax(explained.map.data) > 0 ? [] : ['(the map is zero everywhere)'];
  return [formatMapHeader(explained), ...art, ...note];
}

export function indent(lines: readonly string[], by = '  '): string[] {
  return lines.map((line) => by + line);
}
