/**
 * Subgroup tables: for every class x group (a manifest attribute's value, or a SpRAy
 * cluster), how many images, their share of the class, accuracy, mean confidence,
 * the share flagged, and the mean share of the map on each named region. A group
 * the model treats differently shows up as a row out of line with its class.
 */
import { OK_TAGS } from '../../shared/views';

export interface SubgroupInput {
  label: string;
  group: string;
  /** Null until the image is explained. */
  predicted: string | null;
  confidence: number | null;
  tags: readonly string[];
  /** Mass of the predicted class's map per region name. */
  mass: ReadonlyMap<string, number>;
}

export interface SubgroupRow {
  label: string;
  group: string;
  count: number;
  /** Share of the class, 0..1. */
  share: number;
  audited: number;
  /** Share of audited images predicted as their label; null when none is audited. */
  accuracy: number | null;
  meanConfidence: number | null;
  /** Share of the group's images with a tag other than OK_TAGS. */
  flagged: number;
  /** Mean mass per region over audited images (an image without the region counts 0). */
  mass: { region: string; mean: number }[];
}

export function subgroupTable(inputs: readonly SubgroupInput[], regions: readonly string[]): SubgroupRow[] {
  const cells = new Map<string, SubgroupInput[]>();
  const classSizes = new Map<string, number>();
  for (const input of inputs) {
    const key = `${input.label}\n${input.group}`;
    const members = cells.get(key) ?? [];
    members.push(input);
    cells.set(key, members);
    classSizes.set(input.label, (classSizes.get(input.label) ?? 0) + 1);
  }
  const rows = [...cells.values()].map((members): SubgroupRow => {
    const { label, group } = members[0]!;
    const audited = members.filter((m) => m.predicted !== null);
    const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
    return {
      label,
      group,
      count: members.length,
      share: members.length / classSizes.get(label)!,
      audited: audited.length,
      accuracy: mean(audited.map((m) => (m.predicted === m.label ? 1 : 0))),
      meanConfidence: mean(audited.map((m) => m.confidence ?? 0)),
      flagged: members.filter((m) => m.tags.some((t) => !OK_TAGS.includes(t))).length / members.length,
      mass: regions.map((region) => ({ region, mean: mean(audited.map((m) => m.mass.get(region) ?? 0)) ?? 0 })),
    };
  });
  return rows.sort((a, b) => a.label.localeCompare(b.label) || a.group.localeCompare(b.group, undefined, { numeric: true }));
}
