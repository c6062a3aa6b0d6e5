import type { Tile } from '../../../../shared/views';

/** What the keyboard and the page use to move in the grid and read its tiles. */
export interface GridApi {
  scrollTo(index: number): void;
  columns(): number;
  tileAt(index: number): Tile | undefined;
}
