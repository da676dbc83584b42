// Greedy non-maximum suppression over boxes packed in typed arrays (4 numbers per box, x1 y1 x2 y2),
// as torchvision's `batched_nms` does it: highest score first, drop every later box of the same
// class whose IoU with a kept one exceeds the threshold.
import type { Box2d, Detection } from "./detection.js";

export interface NmsOptions {
  /** A box is dropped when its IoU with a higher-scoring kept box is strictly above this. */
  iouThreshold: number;
  /** Class of each box; boxes of different classes never suppress each other. Omit for class-agnostic NMS. */
  classIds?: Int32Array;
  /** Keep at most this many (default: all). */
  maxDetections?: number;
}

/** Intersection over union of two boxes; 0 when either is empty. Example: `iou([0,0,2,2],[1,0,3,2])` = 1/3. */
export function iou(a: Box2d, b: Box2d): number {
  return iouPacked(a, 0, b, 0);
}

function iouPacked(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const ax1 = a[4 * i], ay1 = a[4 * i + 1], ax2 = a[4 * i + 2], ay2 = a[4 * i + 3];
  const bx1 = b[4 * j], by1 = b[4 * j + 1], bx2 = b[4 * j + 2], by2 = b[4 * j + 3];
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = Math.max(0, ax2 - ax1) * Math.max(0, ay2 - ay1) + Math.max(0, bx2 - bx1) * Math.max(0, by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Indices of the boxes kept, highest score first (ties: lower index first).
 * `boxes` holds n×4 numbers, `scores` n. Inputs are not modified.
 */
export function nonMaxSuppression(boxes: Float32Array | Float64Array, scores: Float32Array | Float64Array, options: NmsOptions): Uint32Array {
  const n = scores.length;
  if (boxes.length !== 4 * n) throw new RangeError(`nonMaxSuppression: ${boxes.length} box values for ${n} scores (expected ${4 * n})`);
  if (options.classIds && options.classIds.length !== n) throw new RangeError(`nonMaxSuppression: ${options.classIds.length} class ids for ${n} scores`);
  const { iouThreshold, classIds } = options;
  const maxDetections = options.maxDetections ?? n;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const suppressed = new Uint8Array(n);
  const kept: number[] = [];
  for (let k = 0; k < n && kept.length < maxDetections; k++) {
    const i = order[k];
    if (suppressed[i]) continue;
    kept.push(i);
    for (let m = k + 1; m < n; m++) {
      const j = order[m];
      if (suppressed[j] || (classIds && classIds[j] !== classIds[i])) continue;
      if (iouPacked(boxes, i, boxes, j) > iouThreshold) suppressed[j] = 1;
    }
  }
  return Uint32Array.from(kept);
}

/** NMS over `Detection`s, per label unless `classAgnostic`; returns the kept ones, best first. */
export function nmsDetections(detections: readonly Detection[], options: { iouThreshold: number; classAgnostic?: boolean; maxDetections?: number }): Detection[] {
  const boxes = new Float32Array(detections.length * 4);
  const scores = new Float32Array(detections.length);
  const classIds = new Int32Array(detections.length);
  const labelIds = new Map<string, number>();
  detections.forEach((d, i) => {
    boxes.set(d.box2d, 4 * i);
    scores[i] = d.score;
    if (!labelIds.has(d.label)) labelIds.set(d.label, labelIds.size);
    classIds[i] = labelIds.get(d.label)!;
  });
  const kept = nonMaxSuppression(boxes, scores, { iouThreshold: options.iouThreshold, classIds: options.classAgnostic ? undefined : classIds, maxDetections: options.maxDetections });
  return Array.from(kept, (i) => detections[i]);
}
