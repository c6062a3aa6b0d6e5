/**
 * Where a model's input sits on the original image. Without a crop the input is the
 * whole image (stretched to the model's size); with torchvision's
 * `Resize(n) + CenterCrop((h, w))` it is a centred rectangle of the original, and so
 * is every map the model gives: regions are measured, and maps painted, through it.
 * Pure arithmetic, no Node, no DOM: main and renderer use the same rule.
 */

export interface Size {
  width: number;
  height: number;
}

/** A rectangle in original-image pixels; fractional where the resize scale is. */
export interface MapFrame {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of the sidecar's `preprocess` that decides the frame. */
export interface Framing {
  shorterSide?: number | undefined;
  /** [height, width] */
  centerCrop?: readonly [number, number] | undefined;
}

export interface CropPlan {
  /** The image after `Resize(shorterSide)`. */
  resized: Size;
  /** The crop's top-left corner in resized pixels; its size is centerCrop. */
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Python's round(): halves go to the even neighbour, as torchvision's CenterCrop rounds. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * torchvision `Resize(n)` then `CenterCrop((h, w))`: the shorter side becomes n and the
 * longer `int(n * long / short)`; the crop starts at `int(round((H - h) / 2))`.
 * Null when the sidecar asks for no crop.
 */
export function cropPlan(image: Size, framing: Framing): CropPlan | null {
  const { shorterSide: n, centerCrop } = framing;
  if (n === undefined || centerCrop === undefined) return null;
  const { width: w, height: h } = image;
  // Same float division then truncation as Python's int(n * long / short).
  const resized = w <= h ? { width: n, height: Math.trunc((n * h) / w) } : { width: Math.trunc((n * w) / h), height: n };
  const [cropHeight, cropWidth] = centerCrop;
  return {
    resized,
    left: roundHalfEven((resized.width - cropWidth) / 2),
    top: roundHalfEven((resized.height - cropHeight) / 2),
    width: cropWidth,
    height: cropHeight,
  };
}

/** The rectangle of the original image, in its pixels, that the model's input (and so every map) covers. */
export function mapFrame(image: Size, framing: Framing | null | undefined): MapFrame {
  const plan = framing ? cropPlan(image, framing) : null;
  if (!plan) return { x: 0, y: 0, width: image.width, height: image.height };
  const sx = image.width / plan.resized.width;
  const sy = image.height / plan.resized.height;
  return { x: plan.left * sx, y: plan.top * sy, width: plan.width * sx, height: plan.height * sy };
}

/** A frame on the views of the contract: with the image's size, so a painter needs nothing else. */
export interface FrameView extends MapFrame {
  imageWidth: number;
  imageHeight: number;
}

/**
 * The frame as views carry it: null when the map covers the whole image (every model
 * without a crop) or the image's size is not known yet, so painters keep their plain path.
 */
export function frameView(image: { width: number | null; height: number | null }, framing: Framing | null | undefined): FrameView | null {
  const { width, height } = image;
  if (!framing?.centerCrop || width === null || height === null || width <= 0 || height <= 0) return null;
  const size = { width, height };
  const frame = mapFrame(size, framing);
  return isWholeImage(frame, size) ? null : { ...frame, imageWidth: width, imageHeight: height };
}

/**
 * The frame on a picture of the image `raster` pixels large (a thumbnail, a canvas), in
 * whole pixels, at least one each way and inside the picture: where a painter puts the map.
 */
export function frameOnRaster(frame: MapFrame, image: Size, raster: Size): MapFrame {
  const sx = raster.width / image.width;
  const sy = raster.height / image.height;
  const x = Math.min(raster.width - 1, Math.max(0, Math.round(frame.x * sx)));
  const y = Math.min(raster.height - 1, Math.max(0, Math.round(frame.y * sy)));
  return {
    x,
    y,
    width: Math.max(1, Math.min(raster.width - x, Math.round(frame.width * sx))),
    height: Math.max(1, Math.min(raster.height - y, Math.round(frame.height * sy))),
  };
}

/** True when the frame is the whole image, so callers can keep their plain path. */
export function isWholeImage(frame: MapFrame, image: Size): boolean {
  return frame.x === 0 && frame.y === 0 && frame.width === image.width && frame.height === image.height;
}
