/** The statistics columns of a results row, and the MapStats they stand for. */
import type { MapStats } from './types';

export interface StatColumns {
  max: number;
  entropy: number;
  peakX: number;
  peakY: number;
  spread: number;
  boxX0: number | null;
  boxY0: number | null;
  boxX1: number | null;
  boxY1: number | null;
}

/** SELECT list of StatColumns from results aliased `r`. */
export const STAT_COLUMNS_SQL =
  'r.max, r.entropy, r.peak_x AS peakX, r.peak_y AS peakY, r.spread, r.box_x0 AS boxX0, r.box_y0 AS boxY0, r.box_x1 AS boxX1, r.box_y1 AS boxY1';

export function statsOf(columns: StatColumns, regions: MapStats['regions']): MapStats {
  const { boxX0, boxY0, boxX1, boxY1 } = columns;
  return {
    max: columns.max,
    entropy: columns.entropy,
    peakX: columns.peakX,
    peakY: columns.peakY,
    spread: columns.spread,
    box: boxX0 === null || boxY0 === null || boxX1 === null || boxY1 === null ? null : { x0: boxX0, y0: boxY0, x1: boxX1, y1: boxY1 },
    regions,
  };
}
