// Frame-agnostic 3-vector helpers on `Vec3` tuples. For per-point hot loops use the typed-array
// code in the algorithm modules instead: these allocate.
import type { Vec3 } from "./types.js";

export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const length = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const distance = (a: Vec3, b: Vec3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Unit vector along `a`; throws on a zero or non-finite vector rather than returning NaNs. */
export function normalize(a: Vec3): Vec3 {
  const n = length(a);
  if (!(n > 1e-12) || !Number.isFinite(n)) throw new RangeError(`cannot normalize vector [${a.join(", ")}]`);
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** Angle between two directions in radians, in [0, π]. */
export function angleBetween(a: Vec3, b: Vec3): number {
  const c = dot(a, b) / (length(a) * length(b));
  return Math.acos(Math.min(1, Math.max(-1, c)));
}
