// Whether camera parameters describe a camera that can exist. Implausible values do not fail loudly
// downstream: a focal length of 1 px or 1e9 px just scales every distance into nonsense ("4100 m
// between two couches"), so both the edge (at intake, from the image header's size) and the runner
// (after decoding) refuse them with the bound named.
import type { Intrinsics } from "./jobs.js";

/** Field of view across either image axis, degrees. Below 1° is a telescope, above 170° beyond any rectilinear lens. */
export const MIN_FOV_DEG = 1;
export const MAX_FOV_DEG = 170;
/** How far the principal point may lie outside the image, as a fraction of its size: none (one outside it almost always means intrinsics for another resolution). */
export const PRINCIPAL_POINT_MARGIN = 0;

const fovDeg = (focalPx: number, sizePx: number) => (2 * Math.atan(sizePx / (2 * focalPx)) * 180) / Math.PI;

/** Null when plausible for a `widthPx` × `heightPx` image, else a sentence naming the bound. */
export function intrinsicsProblem(k: Intrinsics, widthPx: number, heightPx: number): string | null {
  const values = [k.fx, k.fy, k.cx, k.cy];
  if (!values.every(Number.isFinite) || k.fx <= 0 || k.fy <= 0) return "intrinsics must be finite with fx, fy > 0";
  for (const [axis, focal, size] of [["horizontal", k.fx, widthPx], ["vertical", k.fy, heightPx]] as const) {
    const fov = fovDeg(focal, size);
    if (fov < MIN_FOV_DEG || fov > MAX_FOV_DEG) {
      return `intrinsics give a ${axis} field of view of ${fov.toPrecision(3)}° for a ${widthPx}×${heightPx} image; it must be between ${MIN_FOV_DEG}° and ${MAX_FOV_DEG}°`;
    }
  }
  const mx = PRINCIPAL_POINT_MARGIN * widthPx;
  const my = PRINCIPAL_POINT_MARGIN * heightPx;
  if (k.cx < -mx || k.cx > widthPx + mx || k.cy < -my || k.cy > heightPx + my) {
    return `the principal point (${k.cx}, ${k.cy}) lies outside the ${widthPx}×${heightPx} image: were the intrinsics for another resolution?`;
  }
  return null;
}

/** Null when every caller box lies inside the image (one pixel of slack for rounding), else a sentence. */
export function boxesProblem(boxes: readonly { box2d: readonly [number, number, number, number] }[], widthPx: number, heightPx: number): string | null {
  for (const [i, { box2d: [x1, y1, x2, y2] }] of boxes.entries()) {
    if (!(x2 > x1 && y2 > y1)) return `objects[${i}].box2d must have x2 > x1 and y2 > y1`;
    if (x1 < -1 || y1 < -1 || x2 > widthPx + 1 || y2 > heightPx + 1) return `objects[${i}].box2d [${x1}, ${y1}, ${x2}, ${y2}] lies outside the ${widthPx}×${heightPx} image`;
  }
  return null;
}
