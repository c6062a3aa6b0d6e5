/** Store rows to the views of the contract (shared/views.ts). */
import { frameView, type Framing } from '../../shared/map-frame';
import type { DatasetView, ImageDetail, ModelView, Tile } from '../../shared/views';
import { toWireMap } from '../../shared/wire-map';
import type { LayerInfo } from '../engine/model/network';
import type { DatasetOverview, ImageRecord, ModelRow, TileRow } from '../store';

export function datasetView(row: { id: number; root: string; name: string }, overview: DatasetOverview): DatasetView {
  return { id: row.id, root: row.root, name: row.name, ...overview };
}

export function modelView(row: ModelRow, layers: readonly LayerInfo[], defaultLayer: string | null): ModelView {
  return {
    id: row.id,
    path: row.path,
    hash: row.hash,
    kind: row.kind,
    classes: row.classes,
    layers: layers.map((l) => ({ name: l.name, className: l.className, shape: l.shape, candidate: l.candidate })),
    defaultLayer,
  };
}

export function tileView(row: TileRow, framing?: Framing): Tile {
  const map =
    row.map && row.width !== null && row.height !== null && row.max !== null
      ? toWireMap({ width: row.width, height: row.height, max: row.max, bytes: row.map })
      : null;
  return {
    id: row.id,
    contentId: row.contentId,
    path: row.path,
    label: row.label,
    predicted: row.predicted,
    confidence: row.prob,
    correct: map === null || row.predicted === null ? null : row.predicted === row.label,
    tags: row.tags,
    map,
    problem: row.problem,
    frame: frameView({ width: row.imageWidth, height: row.imageHeight }, framing),
  };
}

export function imageDetailView(record: ImageRecord, classes: readonly string[], framing?: Framing): ImageDetail {
  const nameOf = (index: number) => classes[index] ?? `class ${index}`;
  const predicted = record.prediction?.predicted;
  const own = record.maps.find((m) => m.target === predicted);
  return {
    id: record.id,
    contentId: record.contentId,
    path: record.path,
    label: record.label,
    width: record.width,
    height: record.height,
    attributes: record.attributes,
    regions: record.regions,
    tags: record.tags,
    top: (record.prediction?.top ?? []).map((t) => ({ name: nameOf(t.index), index: t.index, prob: t.prob, logit: t.logit })),
    stats: own ? own.stats : null,
    maps: record.maps.map((m) => ({
      target: nameOf(m.target),
      map: toWireMap({ width: m.width, height: m.height, max: m.max, bytes: m.map }),
    })),
    problem: record.problem,
    frame: frameView(record, framing),
  };
}
