// The common output of every detector. Boxes are in original-image pixels with COCO's continuous
// convention: the image spans [0, width] × [0, height] and pixel (u, v) covers [u, u+1) × [v, v+1),
// so its centre is (u + 0.5, v + 0.5) in box coordinates.

/** [x1, y1, x2, y2] in original-image pixels, x1 ≤ x2, y1 ≤ y2. */
export type Box2d = [number, number, number, number];

export interface Detection {
  /** Lower case, COCO style with spaces ("dining table", "tv"); for open-vocabulary detectors, the query text. */
  label: string;
  /** In [0, 1]. */
  score: number;
  /** Clamped to the image. */
  box2d: Box2d;
}

/** Inclusive pixel ranges whose centres lie inside the box, clipped to the image; empty when u0 > u1 or v0 > v1. */
export function boxPixelRange(box: Box2d, width: number, height: number): { u0: number; u1: number; v0: number; v1: number } {
  return {
    u0: Math.max(0, Math.ceil(box[0] - 0.5)),
    u1: Math.min(width - 1, Math.floor(box[2] - 0.5)),
    v0: Math.max(0, Math.ceil(box[1] - 0.5)),
    v1: Math.min(height - 1, Math.floor(box[3] - 0.5)),
  };
}

/** Maps a box from model-input pixels back to the original image (input = original × scale) and clamps it. */
export function boxToImage(x1: number, y1: number, x2: number, y2: number, scaleX: number, scaleY: number, width: number, height: number): Box2d {
  const clampX = (x: number) => Math.min(width, Math.max(0, x / scaleX));
  const clampY = (y: number) => Math.min(height, Math.max(0, y / scaleY));
  return [clampX(x1), clampY(y1), clampX(x2), clampY(y2)];
}
