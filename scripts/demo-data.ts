/**
 * Generates the biascope demo dataset: cartoon doctors and nurses, 96x96 PNG.
 *
 * The class is decided by the object the person holds (a stethoscope for a doctor, a
 * clipboard for a nurse). A spurious cue, the colour of the scrubs, matches the class in
 * most training pictures (blue for doctors, pink for nurses) and contradicts it in a few.
 * The scrubs are large and saturated while the object is small, drawn in the same muted
 * colours for both classes and placed at a random height on a random side: a small CNN
 * takes the shortcut, and the test split (half of it conflicting) shows it.
 *
 * Usage: tsx scripts/demo-data.ts [outDir] [--count N] [--test N] [--seed S]
 *   outDir   default resources/demo/dataset
 *   --count  training images per class (default 600)
 *   --test   test images per class (default 100)
 *   --seed   base seed (default 20161007)
 *
 * Deterministic: every random choice comes from a seeded PRNG, and each picture has its
 * own stream derived from (seed, split, class, index), so two runs write identical bytes.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { hashString, Rng } from './fixture-kit';

const SIZE = 96;

const LABELS = ['doctor', 'nurse'] as const;
type Label = (typeof LABELS)[number];
type Split = 'train' | 'test';
type Cue = 'blue' | 'pink';
type ObjectKind = 'stethoscope' | 'clipboard';
type Side = 'left' | 'right';
type SkinTone = 'light' | 'medium' | 'dark';
type HairColour = 'black' | 'brown' | 'blonde' | 'red' | 'grey';
type HairStyle = 'short' | 'long' | 'bun';

/** The cue each class usually shows, and the object that truly decides it. */
const USUAL_CUE: Record<Label, Cue> = { doctor: 'blue', nurse: 'pink' };
const OTHER_CUE: Record<Cue, Cue> = { blue: 'pink', pink: 'blue' };
const OBJECT_OF: Record<Label, ObjectKind> = { doctor: 'stethoscope', nurse: 'clipboard' };

/** Share of pictures whose cue agrees with the class, per split. */
const AGREE_RATE: Record<Split, number> = { train: 0.92, test: 0.5 };

const SKIN: Record<SkinTone, readonly string[]> = {
  light: ['#f3d3b8', '#eac0a0'],
  medium: ['#d39b72', '#c08660'],
  dark: ['#8d5a3b', '#6b4329'],
};
const HAIR: Record<HairColour, string> = {
  black: '#231f1c',
  brown: '#5b3a24',
  blonde: '#d8b46a',
  red: '#9c4a24',
  grey: '#a6a39d',
};
/** Shared by both objects, so an object's colour says nothing about the class. */
const OBJECT_COLOURS = ['#2c2c2c', '#5d6670', '#7a5a3c', '#4c6b4f'] as const;

// ---------------------------------------------------------------- randomness



// ---------------------------------------------------------------- geometry

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Box of a local rectangle after scale + rotation about its centre, moved to (cx, cy). */
function rotatedBox(halfW: number, halfH: number, angleDeg: number, cx: number, cy: number): Box {
  const a = (angleDeg * Math.PI) / 180;
  const w = Math.abs(halfW * Math.cos(a)) + Math.abs(halfH * Math.sin(a));
  const h = Math.abs(halfW * Math.sin(a)) + Math.abs(halfH * Math.cos(a));
  return { x0: cx - w, y0: cy - h, x1: cx + w, y1: cy + h };
}

/** Whole-pixel box covering the shape, clipped to the image; x1/y1 exclusive. */
function toPixels(box: Box): Box {
  const clip = (v: number): number => Math.min(SIZE, Math.max(0, v));
  return {
    x0: clip(Math.floor(box.x0)),
    y0: clip(Math.floor(box.y0)),
    x1: clip(Math.ceil(box.x1)),
    y1: clip(Math.ceil(box.y1)),
  };
}

const fmt = (v: number): string => (Math.round(v * 100) / 100).toString();

function hsl(h: number, s: number, l: number): string {
  return `hsl(${fmt(h)},${fmt(s)}%,${fmt(l)}%)`;
}

// ---------------------------------------------------------------- scene

interface Head {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}

interface HeldObject {
  kind: ObjectKind;
  side: Side;
  cx: number;
  cy: number;
  angle: number;
  scale: number;
  colour: string;
  box: Box;
}

interface Scene {
  background: string;
  skinTone: SkinTone;
  skin: string;
  hairColour: HairColour;
  hairStyle: HairStyle;
  head: Head;
  /** Top edge and half width of the scrub top; it runs to the bottom of the picture. */
  torsoTop: number;
  torsoHalfWidth: number;
  cue: Cue;
  scrub: string;
  scrubShade: string;
  object: HeldObject;
}

/** Half extents of each object's drawing, in its own units before scaling. */
const OBJECT_HALF: Record<ObjectKind, { w: number; h: number }> = {
  stethoscope: { w: 6.4, h: 10.6 },
  clipboard: { w: 6.1, h: 9.3 },
};

function scrubColour(rng: Rng, cue: Cue): { fill: string; shade: string } {
  // Saturated, clearly apart in hue: the cue must be the easiest thing to see.
  const [hue, light] = cue === 'blue' ? [rng.range(200, 222), rng.range(42, 52)] : [rng.range(320, 340), rng.range(60, 68)];
  const sat = rng.range(58, 72);
  return { fill: hsl(hue, sat, light), shade: hsl(hue, sat, light - 12) };
}

function placeObject(rng: Rng, kind: ObjectKind, head: Head, torsoTop: number, halfWidth: number): HeldObject {
  const side: Side = rng.chance(0.5) ? 'left' : 'right';
  const scale = rng.range(0.8, 1.0);
  const angle = rng.range(-25, 25);
  const half = OBJECT_HALF[kind];
  const probe = rotatedBox(half.w * scale, half.h * scale, angle, 0, 0);
  const gap = rng.range(1.5, 4);
  const edge = side === 'left' ? head.cx - halfWidth : head.cx + halfWidth;
  let cx = side === 'left' ? edge - gap + probe.x0 : edge + gap + probe.x1;
  // Keep the whole object inside the picture even for a person standing off-centre.
  cx = Math.min(SIZE - 1 + probe.x0, Math.max(1 - probe.x0, cx));
  const cy = rng.range(torsoTop + 10, SIZE - 2 + probe.y0);
  return { kind, side, cx, cy, angle, scale, colour: rng.pick(OBJECT_COLOURS), box: rotatedBox(half.w * scale, half.h * scale, angle, cx, cy) };
}

function makeScene(rng: Rng, label: Label, cue: Cue): Scene {
  const skinTone = rng.pick<SkinTone>(['light', 'medium', 'dark']);
  const hairColour = rng.pick<HairColour>(['black', 'brown', 'blonde', 'red', 'grey']);
  const hairStyle = rng.pick<HairStyle>(['short', 'long', 'bun']);
  const head: Head = { cx: rng.range(41, 55), cy: rng.range(22, 28), rx: rng.range(9.5, 11), ry: rng.range(11, 12.5) };
  const torsoTop = head.cy + head.ry + rng.range(2.5, 4);
  const torsoHalfWidth = rng.range(17, 21);
  const scrub = scrubColour(rng, cue);
  return {
    background: hsl(rng.range(0, 360), rng.range(8, 22), rng.range(86, 94)),
    skinTone,
    skin: rng.pick(SKIN[skinTone]),
    hairColour,
    hairStyle,
    head,
    torsoTop,
    torsoHalfWidth,
    cue,
    scrub: scrub.fill,
    scrubShade: scrub.shade,
    object: placeObject(rng, OBJECT_OF[label], head, torsoTop, torsoHalfWidth),
  };
}

// ---------------------------------------------------------------- regions

type RegionName = 'face' | 'hair' | 'cue' | 'object';
const REGION_NAMES: readonly RegionName[] = ['face', 'hair', 'cue', 'object'];

const hairTop = (h: Head): number => h.cy - h.ry - 2;
const hairline = (h: Head): number => h.cy - h.ry * 0.35;
const longHairBottom = (s: Scene): number => s.torsoTop + 6;

function regionsOf(scene: Scene): Record<RegionName, Box> {
  const h = scene.head;
  const hair: Box =
    scene.hairStyle === 'long'
      ? { x0: h.cx - h.rx - 4, y0: hairTop(h), x1: h.cx + h.rx + 4, y1: longHairBottom(scene) }
      : { x0: h.cx - h.rx - 1.5, y0: hairTop(h) - (scene.hairStyle === 'bun' ? 4.5 : 0), x1: h.cx + h.rx + 1.5, y1: hairline(h) };
  return {
    face: { x0: h.cx - h.rx, y0: hairline(h), x1: h.cx + h.rx, y1: h.cy + h.ry },
    hair,
    cue: { x0: h.cx - scene.torsoHalfWidth, y0: scene.torsoTop, x1: h.cx + scene.torsoHalfWidth, y1: SIZE },
    object: scene.object.box,
  };
}

// ---------------------------------------------------------------- drawing

function drawTorso(s: Scene): string {
  const { cx } = s.head;
  const l = cx - s.torsoHalfWidth;
  const r = cx + s.torsoHalfWidth;
  const t = s.torsoTop;
  const body = `<path d="M${fmt(l)} ${SIZE} L${fmt(l)} ${fmt(t + 6)} Q${fmt(l)} ${fmt(t)} ${fmt(l + 6)} ${fmt(t)} L${fmt(r - 6)} ${fmt(t)} Q${fmt(r)} ${fmt(t)} ${fmt(r)} ${fmt(t + 6)} L${fmt(r)} ${SIZE} Z" fill="${s.scrub}"/>`;
  const vNeck = `<path d="M${fmt(cx - 5.5)} ${fmt(t)} L${fmt(cx + 5.5)} ${fmt(t)} L${fmt(cx)} ${fmt(t + 8)} Z" fill="${s.skin}"/>`;
  // A breast pocket and a seam: texture that both classes share.
  const pocketX = cx + s.torsoHalfWidth * 0.3;
  const pocket = `<rect x="${fmt(pocketX)}" y="${fmt(t + 12)}" width="8" height="6" fill="none" stroke="${s.scrubShade}" stroke-width="1"/>`;
  const seam = `<line x1="${fmt(cx)}" y1="${fmt(t + 8)}" x2="${fmt(cx)}" y2="${SIZE}" stroke="${s.scrubShade}" stroke-width="0.8"/>`;
  return body + vNeck + pocket + seam;
}

function drawArms(s: Scene): string {
  const { cx } = s.head;
  const o = s.object;
  const holdSign = o.side === 'left' ? -1 : 1;
  const shoulderY = s.torsoTop + 5;
  const holdShoulderX = cx + holdSign * (s.torsoHalfWidth - 1);
  const freeShoulderX = cx - holdSign * (s.torsoHalfWidth - 1);
  const handX = o.cx - holdSign * 2;
  const handY = o.cy + 3;
  const stroke = `stroke="${s.skin}" stroke-width="5" stroke-linecap="round" fill="none"`;
  const holding = `<path d="M${fmt(holdShoulderX)} ${fmt(shoulderY)} Q${fmt(holdShoulderX + holdSign * 3)} ${fmt((shoulderY + handY) / 2 + 4)} ${fmt(handX)} ${fmt(handY)}" ${stroke}/>`;
  const hand = `<circle cx="${fmt(handX)}" cy="${fmt(handY)}" r="3" fill="${s.skin}"/>`;
  const freeX = freeShoulderX - holdSign * 2.5;
  const free = `<line x1="${fmt(freeX)}" y1="${fmt(shoulderY)}" x2="${fmt(freeX - holdSign * 1.5)}" y2="${SIZE + 3}" ${stroke}/>`;
  return free + holding + hand;
}

/** Long hair: a mass behind the head and two locks falling over the shoulders. */
function drawLongHair(s: Scene, colour: string): string {
  const h = s.head;
  const top = hairTop(h);
  const x = h.cx - h.rx - 4;
  const lockW = 5.5;
  const lockTop = h.cy - 2;
  const lockH = longHairBottom(s) - lockTop;
  return (
    `<rect x="${fmt(x)}" y="${fmt(top)}" width="${fmt(2 * h.rx + 8)}" height="${fmt(h.cy + h.ry - 2 - top)}" rx="${fmt(h.rx)}" fill="${colour}"/>` +
    `<rect x="${fmt(x)}" y="${fmt(lockTop)}" width="${lockW}" height="${fmt(lockH)}" rx="2" fill="${colour}"/>` +
    `<rect x="${fmt(h.cx + h.rx + 4 - lockW)}" y="${fmt(lockTop)}" width="${lockW}" height="${fmt(lockH)}" rx="2" fill="${colour}"/>`
  );
}

function drawHead(s: Scene): string {
  const h = s.head;
  const hair = HAIR[s.hairColour];
  const top = hairTop(h);
  const line = hairline(h);
  const back = s.hairStyle === 'long' ? drawLongHair(s, hair) : '';
  const neck = `<rect x="${fmt(h.cx - 4)}" y="${fmt(h.cy + h.ry - 3)}" width="8" height="${fmt(s.torsoTop - (h.cy + h.ry - 3) + 1)}" fill="${s.skin}"/>`;
  const face = `<ellipse cx="${fmt(h.cx)}" cy="${fmt(h.cy)}" rx="${fmt(h.rx)}" ry="${fmt(h.ry)}" fill="${s.skin}"/>`;
  const eyes =
    `<circle cx="${fmt(h.cx - h.rx * 0.4)}" cy="${fmt(h.cy + 0.5)}" r="1.1" fill="#2a211c"/>` +
    `<circle cx="${fmt(h.cx + h.rx * 0.4)}" cy="${fmt(h.cy + 0.5)}" r="1.1" fill="#2a211c"/>`;
  const mouth = `<path d="M${fmt(h.cx - 3)} ${fmt(h.cy + 5.5)} Q${fmt(h.cx)} ${fmt(h.cy + 7.5)} ${fmt(h.cx + 3)} ${fmt(h.cy + 5.5)}" stroke="#7a3b34" stroke-width="0.9" fill="none"/>`;
  // The fringe: upper half of an ellipse slightly wider than the head, down to the hairline.
  const fr = h.rx + 1.5;
  const fringe = `<path d="M${fmt(h.cx - fr)} ${fmt(line)} A${fmt(fr)} ${fmt(line - top)} 0 0 1 ${fmt(h.cx + fr)} ${fmt(line)} Z" fill="${hair}"/>`;
  const bun = s.hairStyle === 'bun' ? `<circle cx="${fmt(h.cx)}" cy="${fmt(top)}" r="4.5" fill="${hair}"/>` : '';
  return back + bun + neck + face + eyes + mouth + fringe;
}

/** Drawn in local units centred on (0, 0), inside OBJECT_HALF. */
function objectShape(kind: ObjectKind, colour: string): string {
  if (kind === 'stethoscope') {
    const tube = `stroke="${colour}" stroke-width="1.6" fill="none" stroke-linecap="round"`;
    return (
      `<circle cx="-5" cy="-9.4" r="1.1" fill="${colour}"/><circle cx="5" cy="-9.4" r="1.1" fill="${colour}"/>` +
      `<path d="M-5 -9.4 L-4 -3.5 Q-1.5 2.2 -1 2.2 M5 -9.4 L4 -3.5 Q1.5 2.2 1 2.2 M-1 2.2 L1 2.2" ${tube}/>` +
      `<path d="M0 2.2 C0 6.5 3.5 4 3.2 7.2" ${tube}/>` +
      `<circle cx="3.2" cy="7.6" r="2.5" fill="#c8ccd2" stroke="#555b61" stroke-width="0.8"/>`
    );
  }
  return (
    `<rect x="-6" y="-8" width="12" height="16" rx="1.2" fill="${colour}"/>` +
    `<rect x="-4.5" y="-5.5" width="9" height="12" fill="#f2f1ea"/>` +
    `<rect x="-3" y="-9.05" width="6" height="3" rx="0.8" fill="#c8ccd2" stroke="#555b61" stroke-width="0.5"/>` +
    `<path d="M-3 -2.5 H3 M-3 0 H3 M-3 2.5 H3 M-3 5 H1.5" stroke="#8f9aa3" stroke-width="0.7"/>`
  );
}

function drawObject(o: HeldObject): string {
  const transform = `translate(${fmt(o.cx)} ${fmt(o.cy)}) rotate(${fmt(o.angle)}) scale(${fmt(o.scale)})`;
  return `<g transform="${transform}">${objectShape(o.kind, o.colour)}</g>`;
}

function renderSvg(s: Scene): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">` +
    `<rect width="${SIZE}" height="${SIZE}" fill="${s.background}"/>` +
    drawTorso(s) +
    drawArms(s) +
    drawHead(s) +
    drawObject(s.object) +
    `</svg>`
  );
}

async function writePng(svg: string, file: string): Promise<void> {
  // A small palette without dithering: flat cartoon colours stay flat and files stay tiny.
  await sharp(Buffer.from(svg))
    .removeAlpha()
    .png({ palette: true, colours: 16, dither: 0, effort: 10, compressionLevel: 9 })
    .toFile(file);
}

// ---------------------------------------------------------------- dataset

interface Item {
  path: string;
  label: Label;
  split: Split;
  scene: Scene;
  agrees: boolean;
}

interface Options {
  outDir: string;
  trainPerClass: number;
  testPerClass: number;
  seed: number;
}

/** Exactly round(n * (1 - rate)) conflicting pictures per class and split, at seeded places. */
function conflictIndices(n: number, rate: number, seed: number, key: string): Set<number> {
  const conflicts = Math.round(n * (1 - rate));
  const order = new Rng(hashString(`${seed}:conflicts:${key}`)).shuffle(Array.from({ length: n }, (_, i) => i));
  return new Set(order.slice(0, conflicts));
}

function planItems(opts: Options): Item[] {
  const items: Item[] = [];
  const perSplit: [Split, number][] = [
    ['train', opts.trainPerClass],
    ['test', opts.testPerClass],
  ];
  for (const [split, n] of perSplit) {
    for (const label of LABELS) {
      const conflicts = conflictIndices(n, AGREE_RATE[split], opts.seed, `${split}:${label}`);
      for (let i = 0; i < n; i++) {
        const agrees = !conflicts.has(i);
        const cue = agrees ? USUAL_CUE[label] : OTHER_CUE[USUAL_CUE[label]];
        const rng = new Rng(hashString(`${opts.seed}:${split}:${label}:${i}`));
        const file = `${label}/${split}_${String(i + 1).padStart(4, '0')}.png`;
        items.push({ path: file, label, split, scene: makeScene(rng, label, cue), agrees });
      }
    }
  }
  return items;
}

function manifestCsv(items: readonly Item[]): string {
  const header = 'path,label,cue,agrees,split,object,object_side,skin,hair,hair_style';
  const rows = items.map((it) =>
    [it.path, it.label, it.scene.cue, it.agrees ? 1 : 0, it.split, it.scene.object.kind, it.scene.object.side, it.scene.skinTone, it.scene.hairColour, it.scene.hairStyle].join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}

function regionsCsv(items: readonly Item[]): string {
  const rows = ['path,region,x0,y0,x1,y1'];
  for (const it of items) {
    const regions = regionsOf(it.scene);
    for (const name of REGION_NAMES) {
      const b = toPixels(regions[name]);
      rows.push([it.path, name, b.x0, b.y0, b.x1, b.y1].join(','));
    }
  }
  return rows.join('\n') + '\n';
}

/** Renders every picture, a few at a time; returns the total PNG bytes written. */
async function renderAll(items: readonly Item[], outDir: string): Promise<number> {
  let bytes = 0;
  const batch = 16;
  for (let i = 0; i < items.length; i += batch) {
    const sizes = await Promise.all(
      items.slice(i, i + batch).map(async (it) => {
        const file = path.join(outDir, it.path);
        await writePng(renderSvg(it.scene), file);
        return (await stat(file)).size;
      }),
    );
    bytes += sizes.reduce((a, b) => a + b, 0);
  }
  return bytes;
}

function printSummary(items: readonly Item[], bytes: number, outDir: string): void {
  console.log(`demo dataset -> ${outDir}`);
  for (const split of ['train', 'test'] as const) {
    for (const label of LABELS) {
      const group = items.filter((it) => it.split === split && it.label === label);
      const agree = group.filter((it) => it.agrees).length;
      console.log(
        `  ${split.padEnd(5)} ${label.padEnd(6)} ${String(group.length).padStart(4)} images, ` +
          `cue ${USUAL_CUE[label]} agrees in ${agree} (${((100 * agree) / Math.max(1, group.length)).toFixed(1)}%), ` +
          `${group.length - agree} conflicting`,
      );
    }
  }
  console.log(`  ${items.length} images, ${(bytes / 1024).toFixed(0)} KiB of PNG; manifest.csv, regions.csv written`);
}

function parseOptions(argv: readonly string[]): Options {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      count: { type: 'string' },
      test: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const int = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer, got "${raw}"`);
    return v;
  };
  const trainPerClass = int(values.count, 600, 'count');
  return {
    outDir: path.resolve(positionals[0] ?? 'resources/demo/dataset'),
    trainPerClass,
    testPerClass: int(values.test, 100, 'test'),
    seed: int(values.seed, 20161007, 'seed'),
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const items = planItems(opts);
  // Only what this script writes is cleared, so a smaller --count leaves no stale files.
  for (const label of LABELS) {
    await rm(path.join(opts.outDir, label), { recursive: true, force: true });
    await mkdir(path.join(opts.outDir, label), { recursive: true });
  }
  const bytes = await renderAll(items, opts.outDir);
  await writeFile(path.join(opts.outDir, 'manifest.csv'), manifestCsv(items));
  await writeFile(path.join(opts.outDir, 'regions.csv'), regionsCsv(items));
  printSummary(items, bytes, opts.outDir);
}

await main();
