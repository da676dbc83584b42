// Events name objects differently (masks by detection index, point clouds and answers by graph id):
// the views agree on one object by its 2D box, the one thing every event carries.
type Box = readonly [number, number, number, number];

export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (r: Box) => (r[2] - r[0]) * (r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}

/** Index of the box in `candidates` overlapping `box` most (IoU ≥ 0.5), or -1. */
export function bestMatch(box: Box, candidates: readonly Box[]): number {
  let best = -1, bestIou = 0.5;
  candidates.forEach((c, i) => {
    const v = iou(box, c);
    if (v >= bestIou) (best = i), (bestIou = v);
  });
  return best;
}

/** The smallest box containing (x, y), or -1: a click on nested boxes picks the inner one. */
export function boxAt(x: number, y: number, boxes: readonly Box[]): number {
  let best = -1, bestArea = Infinity;
  boxes.forEach((b, i) => {
    const area = (b[2] - b[0]) * (b[3] - b[1]);
    if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && area < bestArea) (best = i), (bestArea = area);
  });
  return best;
}
