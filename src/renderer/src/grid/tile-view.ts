/**
 * One grid tile as plain DOM: the thumbnail, the heatmap canvas over it, a caption
 * (predicted class, confidence, true label) and marks (wrong, tagged, selected).
 * Elements are created once per pooled tile and re-bound on scroll; what is drawn
 * is remembered per element so a re-bind to the same tile repaints nothing.
 */
import { colormapLut, type ColormapName } from '../../../shared/colormap';
import type { MapData } from '../../../shared/explain';
import { paintHeatmap } from '../../../shared/heatmap-paint';
import { frameOnRaster, type FrameView, type MapFrame } from '../../../shared/map-frame';
import { isFlatMap, scaleFor, type MapScales, type ScaleMode } from '../../../shared/map-scale';
import type { Tile } from '../../../shared/views';
import { fromWireMap } from '../../../shared/wire-map';
import type { RenderMode } from './virtual-grid';

/** Canvas pixels per side: the 14x14 map is upsampled to this, then scaled smoothly by CSS. */
const CANVAS_SIZE = 128;

export interface TileLookInput {
  colormap: ColormapName;
  threshold: number;
  scale: ScaleMode;
  scales: MapScales | null;
}

export interface TileBinding {
  tile: Tile | undefined;
  index: number;
  mode: RenderMode;
  look: TileLookInput;
  imageUrl: string | null;
  selected: boolean;
  current: boolean;
}

interface Parts {
  img: HTMLImageElement;
  canvas: HTMLCanvasElement;
  predicted: HTMLSpanElement;
  confidence: HTMLSpanElement;
  truth: HTMLSpanElement;
  tags: HTMLSpanElement;
  flat: HTMLSpanElement;
  painted: string;
  src: string;
}

const parts = new WeakMap<HTMLElement, Parts>();
/** Decoded maps by tile id, with whether each is flat: neither is worth computing again on every re-bind. */
const decoded = new Map<number, { map: MapData; flat: boolean }>();
const MAX_DECODED = 4000;

function span(className: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  return el;
}

export function createTileElement(): HTMLElement {
  const root = document.createElement('div');
  root.className = 'tile';
  root.dataset['testid'] = 'tile';
  const frame = document.createElement('div');
  frame.className = 'frame';
  const img = document.createElement('img');
  img.decoding = 'async';
  img.alt = '';
  img.draggable = false;
  const canvas = document.createElement('canvas');
  canvas.width = CANVAS_SIZE;
  canvas.height = CANVAS_SIZE;
  canvas.className = 'heat';
  const badge = span('badge-wrong');
  badge.textContent = 'wrong';
  const tags = span('badge-tags');
  frame.append(img, canvas);
  // Every mark sits in the caption, none on the picture: its corners are where
  // shortcuts (watermarks, laterality markers, badges) live.
  const caption = document.createElement('div');
  caption.className = 'caption';
  const predicted = span('pred');
  const confidence = span('conf');
  const truth = span('truth');
  // A flat map is painted as nothing, and says why.
  const flat = span('flat-mark');
  flat.title = 'A flat map: the model points at no part of this image for its prediction';
  caption.append(predicted, confidence, truth, badge, tags, flat);
  root.append(frame, caption);
  parts.set(root, { img, canvas, predicted, confidence, truth, tags, flat, painted: '', src: '' });
  return root;
}

function decodedOf(tile: Tile): { map: MapData; flat: boolean } | null {
  if (!tile.map) return null;
  let entry = decoded.get(tile.id);
  if (!entry) {
    const map = fromWireMap(tile.map);
    entry = { map, flat: isFlatMap(map.data) };
    if (decoded.size >= MAX_DECODED) decoded.delete(decoded.keys().next().value!);
    decoded.set(tile.id, entry);
  }
  return entry;
}

/** Forgets decoded maps (new results may have replaced them). */
export function clearDecodedMaps(): void {
  decoded.clear();
}

/**
 * The canvas and the rectangle of it the map fills. A map of the whole image fills a
 * square canvas; a cropped model's map fills only its crop, on a canvas shaped like the
 * image, so CSS `object-fit: contain` lays it over the image exactly as the thumbnail.
 */
function layout(frame: FrameView | null | undefined): { width: number; height: number; area: MapFrame } {
  if (!frame) return { width: CANVAS_SIZE, height: CANVAS_SIZE, area: { x: 0, y: 0, width: CANVAS_SIZE, height: CANVAS_SIZE } };
  const image = { width: frame.imageWidth, height: frame.imageHeight };
  const scale = CANVAS_SIZE / Math.max(image.width, image.height);
  const canvas = { width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)) };
  return { ...canvas, area: frameOnRaster(frame, image, canvas) };
}

function paint(p: Parts, tile: Tile, look: TileLookInput): void {
  const f = tile.frame;
  const framed = f ? `${f.x},${f.y},${f.width},${f.height}` : '';
  const scale = scaleFor(look.scale, look.scales, tile.predicted);
  const key = `${tile.id}|${tile.map?.data.length ?? 0}|${tile.map?.max ?? 0}|${look.colormap}|${look.threshold}|${scale}|${framed}`;
  if (p.painted === key) return;
  const box = layout(f);
  // Resizing a canvas clears it; only when the shape changes.
  if (p.canvas.width !== box.width || p.canvas.height !== box.height) {
    p.canvas.width = box.width;
    p.canvas.height = box.height;
  }
  const context = p.canvas.getContext('2d');
  if (!context) return;
  const map = decodedOf(tile)?.map ?? null;
  context.clearRect(0, 0, box.width, box.height);
  if (map) {
    const { area } = box;
    const rgba = paintHeatmap(map, area, { lut: colormapLut(look.colormap), threshold: look.threshold, scale });
    context.putImageData(new ImageData(rgba, area.width, area.height), area.x, area.y);
  }
  p.painted = key;
}

export function bindTile(el: HTMLElement, binding: TileBinding): void {
  const p = parts.get(el);
  if (!p) return;
  const { tile, mode } = binding;
  el.classList.toggle('selected', binding.selected);
  el.classList.toggle('current', binding.current);
  el.dataset['index'] = String(binding.index);
  if (!tile) {
    el.className = `tile loading${binding.selected ? ' selected' : ''}${binding.current ? ' current' : ''}`;
    p.predicted.textContent = '';
    p.confidence.textContent = '';
    p.truth.textContent = '';
    p.tags.textContent = '';
    p.flat.textContent = '';
    return;
  }
  el.classList.remove('loading');
  el.classList.toggle('wrong', tile.correct === false);
  el.classList.toggle('tagged', tile.tags.length > 0);
  el.classList.toggle('pending', tile.map === null);
  el.classList.toggle('problem', tile.problem !== null);
  el.classList.toggle('fast', mode === 'fast');
  el.title = [tile.path, tile.problem, tile.tags.length ? `tags: ${tile.tags.join(', ')}` : null].filter(Boolean).join('\n');
  // A file that could not be used says so on its tile; the reason is in the tooltip and the detail view.
  p.predicted.textContent = tile.problem !== null ? 'could not be used' : (tile.predicted ?? 'not audited');
  p.confidence.textContent = tile.confidence === null ? '' : `${Math.round(tile.confidence * 100)}%`;
  p.truth.textContent = tile.correct === false ? `true: ${tile.label}` : tile.label;
  p.tags.textContent = tile.tags.length ? tile.tags.join(' · ') : '';
  if (mode === 'fast') return;
  const flat = decodedOf(tile)?.flat ?? false;
  el.classList.toggle('flat', flat);
  p.flat.textContent = flat ? 'flat map' : '';
  if (binding.imageUrl && p.src !== binding.imageUrl) {
    p.src = binding.imageUrl;
    p.img.src = binding.imageUrl;
  }
  paint(p, tile, binding.look);
}
