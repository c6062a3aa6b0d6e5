/**
 * Drawing a region in the detail view: the box being drawn (fractions of the image),
 * its name, and the regions already drawn on the dataset's classes. Applying sends
 * the box to every image of the class; the view reloads the image to show it.
 */
import type { BiascopeApi } from '../../../../../shared/api';
import { MIN_DRAWN_SIDE, RegionNameSchema, type DrawnBox, type DrawnRegion } from '../../../../../shared/drawn-regions';
import { reasonOf } from '../format';
import { distinctNames } from './region-names';

export class DrawState {
  /** Drawing mode: drags on the image draw a box instead of doing nothing. */
  active = $state(false);
  box = $state<DrawnBox | null>(null);
  name = $state('');
  regions = $state<DrawnRegion[]>([]);
  busy = $state(false);
  /** What the last apply or delete did, in words. */
  message = $state<string | null>(null);
  error = $state<string | null>(null);

  constructor(
    private readonly api: BiascopeApi,
    readonly datasetId: number,
  ) {}

  /** Every drawn name of the dataset, to offer while typing (the face of one class is the face of the next). */
  readonly names = $derived(distinctNames(this.regions.map((region) => region.name)));

  /** Why the name cannot be sent yet, or null. */
  readonly nameProblem = $derived.by(() => {
    const checked = RegionNameSchema.safeParse(this.name.trim());
    return checked.success ? null : (checked.error.issues[0]?.message ?? 'not a region name');
  });

  namesOf(label: string): string[] {
    return this.regions.filter((region) => region.label === label).map((region) => region.name);
  }

  async load(): Promise<void> {
    try {
      this.regions = await this.api.drawnRegions({ datasetId: this.datasetId });
    } catch (error) {
      this.error = reasonOf(error);
    }
  }

  /** A box from two corners, in fractions; null when too small to be meant. */
  static boxOf(a: { x: number; y: number }, b: { x: number; y: number }): DrawnBox | null {
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    const box = { x0: clamp(Math.min(a.x, b.x)), y0: clamp(Math.min(a.y, b.y)), x1: clamp(Math.max(a.x, b.x)), y1: clamp(Math.max(a.y, b.y)) };
    return box.x1 - box.x0 >= MIN_DRAWN_SIDE && box.y1 - box.y0 >= MIN_DRAWN_SIDE ? box : null;
  }

  /** Applies the box to every image of the class; true when it was stored. */
  async apply(label: string): Promise<boolean> {
    const name = this.name.trim();
    if (!this.box || this.nameProblem) return false;
    return this.run(async () => {
      const result = await this.api.drawRegion({ datasetId: this.datasetId, label, name, box: this.box! });
      const images = `${result.images} ${label} image${result.images === 1 ? '' : 's'}`;
      const later = result.skipped > 0 ? `; ${result.skipped} not decoded yet get it after their audit` : '';
      this.message = `“${name}” applied to ${images}${later}.`;
      this.box = null;
    });
  }

  async remove(label: string, name: string): Promise<boolean> {
    return this.run(async () => {
      const result = await this.api.deleteDrawnRegion({ datasetId: this.datasetId, label, name });
      this.message = `“${name}” removed from ${result.images} ${label} image${result.images === 1 ? '' : 's'}.`;
    });
  }

  private async run(body: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.message = null;
    try {
      await body();
      await this.load();
      return true;
    } catch (error) {
      this.error = reasonOf(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
