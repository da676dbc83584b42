// Sliced inference (the SAHI idea: Akyon et al., "Slicing Aided Hyper Inference", ICIP 2022) for
// small and far objects. A detector with a fixed input (YOLOX-nano: 416²) letterboxes a wide
// street frame (1242×375) to a third of its size, so a pedestrian 30 px wide becomes 10 px, below
// what the network resolves. Running it also on overlapping square tiles, each scaled UP to the
// input, shows those objects at 1–3× the size. Boxes come back in image pixels and are merged with
// the full-image pass by class-aware NMS; a tile box cut by the tile's inner edge is a piece of an
// object that another tile or the full pass sees whole, so it is dropped.
// Image frame: pixels, x right, y down (detection.ts).
import type { RgbImage } from "../image/rgb-image.js";
import type { Box2d, Detection } from "./detection.js";
import { nmsDetections } from "./nms.js";

export interface Tile {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

export interface SliceOptions {
  /** Tile side in pixels (default: the image's shorter side, at most `maxTilePx`). */
  tilePx?: number;
  maxTilePx?: number;
  /** Overlap between neighbouring tiles, as a share of the tile (default 0.25). */
  overlap?: number;
}

/**
 * Overlapping square tiles covering the image, edge tiles flush with the border. No tiles when the
 * image is no bigger than one tile (the full pass already sees it at the detector's resolution).
 */
export function sliceTiles(width: number, height: number, options: SliceOptions = {}): Tile[] {
  const { maxTilePx = 640, overlap = 0.25 } = options;
  const side = Math.max(32, Math.round(options.tilePx ?? Math.min(width, height, maxTilePx)));
  if (width <= side && height <= side) return [];
  const starts = (length: number) => {
    if (length <= side) return [0];
    const count = Math.ceil((length - side) / (side * (1 - overlap))) + 1;
    return Array.from({ length: count }, (_, i) => Math.round((i * (length - side)) / (count - 1)));
  };
  const tiles: Tile[] = [];
  for (const y0 of starts(height)) for (const x0 of starts(width)) tiles.push({ x0, y0, width: Math.min(side, width - x0), height: Math.min(side, height - y0) });
  return tiles;
}

/** The tile's pixels as an image of their own. */
export function cropImage(image: RgbImage, t: Tile): RgbImage {
  const rgb = new Uint8Array(t.width * t.height * 3);
  for (let y = 0; y < t.height; y++) {
    const from = ((t.y0 + y) * image.width + t.x0) * 3;
    rgb.set(image.rgb.subarray(from, from + t.width * 3), y * t.width * 3);
  }
  return { width: t.width, height: t.height, rgb };
}

/** A tile's detections in image pixels, without those cut by an inner tile edge (within `marginPx`). */
export function tileDetectionsToImage(detections: readonly Detection[], t: Tile, image: { width: number; height: number }, marginPx = 2): Detection[] {
  return detections.flatMap((d) => {
    const [x1, y1, x2, y2] = d.box2d;
    const cut = (x1 <= marginPx && t.x0 > 0) || (y1 <= marginPx && t.y0 > 0) || (x2 >= t.width - marginPx && t.x0 + t.width < image.width) || (y2 >= t.height - marginPx && t.y0 + t.height < image.height);
    if (cut) return [];
    const box2d: Box2d = [x1 + t.x0, y1 + t.y0, x2 + t.x0, y2 + t.y0];
    return [{ ...d, box2d }];
  });
}

export interface SlicedDetectOptions extends SliceOptions {
  /** IoU above which a box of the same class is the same object (default 0.5). */
  mergeIou?: number;
  maxDetections?: number;
}

/**
 * Whether tiles add anything: only when the full pass shrinks the image below `minScale` of its
 * size (default 0.5) to fit the detector's input. A 640×480 photo reaches a 416² input at 0.65 and
 * its objects stay as resolvable as the network allows; a 1242×375 street frame at 0.33 or a
 * 1296×968 room at 0.32 loses two thirds of every object's pixels.
 */
export function slicingHelps(width: number, height: number, inputWidth: number, inputHeight: number, minScale = 0.5): boolean {
  return Math.min(inputWidth / width, inputHeight / height) < minScale;
}

/**
 * Full-image detections plus those of every tile, merged per class. `detect` is the detector's own
 * call (its NMS and score threshold apply within each pass).
 * Example: `await detectSliced(image, (im) => yolox.detect(im))`.
 */
export async function detectSliced(image: RgbImage, detect: (image: RgbImage) => Promise<Detection[]>, options: SlicedDetectOptions = {}): Promise<Detection[]> {
  const { mergeIou = 0.5, maxDetections = 100 } = options;
  const all = [...(await detect(image))];
  for (const t of sliceTiles(image.width, image.height, options)) all.push(...tileDetectionsToImage(await detect(cropImage(image, t)), t, image));
  return mergeAcrossTiles(all, mergeIou, maxDetections);
}

/**
 * Class-aware NMS across passes, then a containment check: a box lying mostly (≥ 80% of its area)
 * inside a higher-scoring box of the same class is a part of that object seen close up by a tile
 * (a car's wheel region, a person's torso), not another object.
 */
export function mergeAcrossTiles(detections: readonly Detection[], mergeIou: number, maxDetections: number): Detection[] {
  const kept = nmsDetections(detections, { iouThreshold: mergeIou });
  const out: Detection[] = [];
  for (const d of kept) {
    const inside = out.some((o) => o.label === d.label && intersection(o.box2d, d.box2d) >= 0.8 * area(d.box2d));
    if (!inside) out.push(d);
    if (out.length >= maxDetections) break;
  }
  return out;
}

const area = (b: Box2d) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
function intersection(a: Box2d, b: Box2d): number {
  return Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
}
