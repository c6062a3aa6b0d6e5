/**
 * Attention statistics of one map: the numbers the grids sort and filter by.
 *
 * The map is upsampled (bilinear, half-pixel centres) to the original image's
 * shape, ReLU'd and normalised to sum 1, so every statistic reads as "share of
 * attention" and compares across images, layers and map resolutions. Runs once per
 * map of an audit: typed arrays and a handful of allocations per call, none per cell.
 *
 * A map covers its frame (src/shared/map-frame.ts): the whole image, or the centre crop
 * a torchvision-style model sees. The grid is laid over the frame, regions (in original
 * pixels) are moved into it and clipped, and a region outside the crop holds no mass.
 * Peak and box are fractions of the frame, as they are of the map.
 */
import type { MapData } from '../../shared/explain';
import { upsampleBilinear } from '../../shared/heatmap';
import type { MapFrame } from '../../shared/map-frame';
import type { RegionBox } from '../library/types';
import type { MapStats } from '../store/types';
import { largestComponent } from './components';
import { statsGridSize, type GridSize } from './grid';
import { normalisedEntropy } from '../../shared/entropy';
import { fewestCellsHolding } from './half-mass';
import { regionNames, regionStats } from './regions';

/** Share of the map's maximum a cell needs to be part of the weakly-supervised box (the Grad-CAM paper uses 15%). */
export const BOX_THRESHOLD = 0.15;

/** Longer side of the grid statistics are measured on; larger images are shrunk to it. */
export const STATS_MAX_SIDE = 160;

export interface AttentionOptions {
  /** Cap on the grid's longer side (default STATS_MAX_SIDE); Infinity measures at full image resolution. */
  maxSide?: number;
  /** The rectangle of the image the map covers, in its pixels (default: the whole image). */
  frame?: MapFrame | null | undefined;
}

/**
 * @param map the raw map at the resolution the method produced
 * @param image the original image's size (oriented), which regions are drawn in
 * @param regions annotated boxes in original-image pixels, x1 and y1 exclusive
 */
export function attentionStats(
  map: MapData,
  image: { width: number; height: number },
  regions: readonly RegionBox[],
  options: AttentionOptions = {},
): MapStats {
  const maxSide = options.maxSide ?? STATS_MAX_SIDE;
  const frame = options.frame;
  const area = frame ? { width: frame.width, height: frame.height } : image;
  checkInputs(map, area, maxSide);
  const boxes = frame ? regions.map((r) => ({ ...r, x0: r.x0 - frame.x, x1: r.x1 - frame.x, y0: r.y0 - frame.y, y1: r.y1 - frame.y })) : regions;
  // The raw maximum, before any rescaling: how strong the evidence is, comparable across images.
  const max = finiteMax(map.data);
  const grid = statsGridSize(area, maxSide);
  const values = upsampleBilinear(map, grid.width, grid.height).data;

  let total = 0;
  let peak = -1;
  let peakValue = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) {
      total += v;
      if (v > peakValue) {
        peakValue = v;
        peak = i;
      }
    } else {
      values[i] = 0;
    }
  }
  if (peak < 0) return emptyStats(max, regions);

  const component = largestComponent(values, grid.width, grid.height, BOX_THRESHOLD * peakValue);
  const peakRow = Math.floor(peak / grid.width);
  return {
    max,
    entropy: normalisedEntropy(values, total),
    peakX: (peak - peakRow * grid.width + 0.5) / grid.width,
    peakY: (peakRow + 0.5) / grid.height,
    spread: fewestCellsHolding(values, total, peakValue, 0.5) / values.length,
    // The peak cell always passes the threshold, so a positive map always has a component.
    box: component && {
      x0: component.col0 / grid.width,
      y0: component.row0 / grid.height,
      x1: component.col1 / grid.width,
      y1: component.row1 / grid.height,
    },
    regions: regionStats(values, total, grid, area, boxes, component),
  };
}

/** A map with nothing positive points nowhere: neutral values, no box, no mass anywhere. */
function emptyStats(max: number, regions: readonly RegionBox[]): MapStats {
  return {
    max,
    entropy: 0,
    peakX: 0.5,
    peakY: 0.5,
    spread: 0,
    box: null,
    regions: regionNames(regions).map((name) => ({ name, mass: 0, boxIou: 0 })),
  };
}

function finiteMax(data: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // A NaN would otherwise slip through every comparison and poison the sums.
    if (!Number.isFinite(v)) {
      throw new Error(`attention statistics: the map has a non-finite value (${v}) at cell ${i}`);
    }
    if (v > max) max = v;
  }
  return max;
}

function checkInputs(map: MapData, image: GridSize, maxSide: number): void {
  const { width, height, data } = map;
  if (!isPositiveInteger(width) || !isPositiveInteger(height) || data.length !== width * height) {
    throw new Error(`attention statistics: a ${width}x${height} map needs ${width * height} values, got ${data.length}`);
  }
  if (!(image.width > 0 && image.height > 0 && Number.isFinite(image.width) && Number.isFinite(image.height))) {
    throw new Error(`attention statistics: the image size ${image.width}x${image.height} is not positive`);
  }
  if (!(maxSide >= 1)) throw new Error(`attention statistics: maxSide must be at least 1, got ${maxSide}`);
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}
