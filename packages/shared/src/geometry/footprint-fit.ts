// Upright boxes for objects seen from one viewpoint. Frame: world (z up, metres); only the visible
// surface of each object is in the points.
//
// Why not the minimum-area rectangle: a box seen from one side shows at most two vertical faces,
// an "L" in the ground plane. The hull of an L is a right triangle, and a right triangle's
// minimum-area rectangles along a leg and along the hypotenuse have the same area (ab), so the
// orientation is a coin toss. L-shape fitting (Zhang et al., "Efficient L-shape fitting for vehicle
// detection using laser scanners", IV 2017) instead picks the orientation whose rectangle edges the
// points hug most closely, which is right for one, two or three visible faces.
//
// Round objects (balls, cups, bins, barrels) show a half shell: a rectangle around it is half as
// deep as the object. When the points fit a sphere, or their footprint a circle, tightly enough,
// we use the fitted shape's full extent instead.
import type { Points, UprightBox } from "./types.js";
import { boxFromRectangle, convexHull2d, type Rectangle2d } from "./boxes.js";

export type FootprintShape = "rectangle" | "circle" | "sphere";

export interface FootprintFit {
  box: UprightBox;
  shape: FootprintShape;
}

/** Points closer than this to an edge all count the same: it caps each point's weight (Zhang et al. use 1 cm). */
const CLOSENESS_FLOOR_M = 0.01;
/** RMS distance from a fitted circle or sphere, as a share of its radius, below which the object is taken as round. */
const ROUND_FIT_TOLERANCE = 0.03;

/**
 * Rectangle whose edges the 2D points lie closest to, searching orientations over [0°, 90°) by
 * `coarseStepDeg`, then refining around the best by a tenth of that.
 */
export function lShapeRectangle(xy: Float64Array, coarseStepDeg = 1): Rectangle2d {
  const n = xy.length >> 1;
  if (n === 0) throw new RangeError("lShapeRectangle needs at least one point");
  const step = (coarseStepDeg * Math.PI) / 180;
  let best = 0, bestScore = -Infinity;
  for (let a = 0; a < Math.PI / 2; a += step) {
    const s = closeness(xy, a);
    if (s > bestScore) { bestScore = s; best = a; }
  }
  for (let a = best - step; a <= best + step; a += step / 10) {
    const s = closeness(xy, a);
    if (s > bestScore) { bestScore = s; best = a; }
  }
  return rectangleAt(xy, best);
}

function closeness(xy: Float64Array, angleRad: number): number {
  const c = Math.cos(angleRad), s = Math.sin(angleRad);
  const n = xy.length >> 1;
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const u = xy[2 * i] * c + xy[2 * i + 1] * s, v = -xy[2 * i] * s + xy[2 * i + 1] * c;
    if (u < u0) u0 = u; if (u > u1) u1 = u; if (v < v0) v0 = v; if (v > v1) v1 = v;
  }
  // Each axis: measure from the boundary the points hug overall (the visible face), as the paper does.
  let toU0 = 0, toU1 = 0, toV0 = 0, toV1 = 0;
  for (let i = 0; i < n; i++) {
    const u = xy[2 * i] * c + xy[2 * i + 1] * s, v = -xy[2 * i] * s + xy[2 * i + 1] * c;
    toU0 += (u - u0) ** 2; toU1 += (u1 - u) ** 2; toV0 += (v - v0) ** 2; toV1 += (v1 - v) ** 2;
  }
  const useU0 = toU0 < toU1, useV0 = toV0 < toV1;
  let score = 0;
  for (let i = 0; i < n; i++) {
    const u = xy[2 * i] * c + xy[2 * i + 1] * s, v = -xy[2 * i] * s + xy[2 * i + 1] * c;
    const d = Math.min(useU0 ? u - u0 : u1 - u, useV0 ? v - v0 : v1 - v);
    score += 1 / Math.max(d, CLOSENESS_FLOOR_M);
  }
  return score;
}

function rectangleAt(xy: Float64Array, angleRad: number): Rectangle2d {
  const c = Math.cos(angleRad), s = Math.sin(angleRad);
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    const u = xy[i] * c + xy[i + 1] * s, v = -xy[i] * s + xy[i + 1] * c;
    if (u < u0) u0 = u; if (u > u1) u1 = u; if (v < v0) v0 = v; if (v > v1) v1 = v;
  }
  const cu = (u0 + u1) / 2, cv = (v0 + v1) / 2;
  return { center: [cu * c - cv * s, cu * s + cv * c], angleRad, sizeU: u1 - u0, sizeV: v1 - v0 };
}

/** Algebraic (Kåsa) least-squares circle through 2D points; null when degenerate. */
export function fitCircle(xy: Float64Array): { center: [number, number]; radius: number; rms: number } | null {
  const n = xy.length >> 1;
  if (n < 3) return null;
  // Centre the data first: the normal equations are badly conditioned far from the origin.
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += xy[2 * i]; my += xy[2 * i + 1]; }
  mx /= n; my /= n;
  let suu = 0, suv = 0, svv = 0, suuu = 0, svvv = 0, suvv = 0, svuu = 0;
  for (let i = 0; i < n; i++) {
    const u = xy[2 * i] - mx, v = xy[2 * i + 1] - my;
    suu += u * u; suv += u * v; svv += v * v;
    suuu += u * u * u; svvv += v * v * v; suvv += u * v * v; svuu += v * u * u;
  }
  const det = suu * svv - suv * suv;
  if (Math.abs(det) < 1e-18) return null;
  const bu = (suuu + suvv) / 2, bv = (svvv + svuu) / 2;
  const uc = (bu * svv - bv * suv) / det, vc = (bv * suu - bu * suv) / det;
  const radius = Math.sqrt(uc * uc + vc * vc + (suu + svv) / n);
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (Math.hypot(xy[2 * i] - mx - uc, xy[2 * i + 1] - my - vc) - radius) ** 2;
  return { center: [uc + mx, vc + my], radius, rms: Math.sqrt(sq / n) };
}

/** Algebraic least-squares sphere through 3D points; null when degenerate. */
export function fitSphere(points: Points): { center: [number, number, number]; radius: number; rms: number } | null {
  const n = points.length / 3;
  if (n < 4) return null;
  let mx = 0, my = 0, mz = 0;
  for (let i = 0; i < n; i++) { mx += points[3 * i]; my += points[3 * i + 1]; mz += points[3 * i + 2]; }
  mx /= n; my /= n; mz /= n;
  // Solve A [a b c]^T = r for the centre offset, A = Σ q qᵀ, r = ½ Σ |q|² q (q centred points).
  const A = new Float64Array(9), r = new Float64Array(3);
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const q0 = points[3 * i] - mx, q1 = points[3 * i + 1] - my, q2 = points[3 * i + 2] - mz;
    const sq = q0 * q0 + q1 * q1 + q2 * q2;
    sumSq += sq;
    A[0] += q0 * q0; A[1] += q0 * q1; A[2] += q0 * q2; A[4] += q1 * q1; A[5] += q1 * q2; A[8] += q2 * q2;
    r[0] += (sq * q0) / 2; r[1] += (sq * q1) / 2; r[2] += (sq * q2) / 2;
  }
  A[3] = A[1]; A[6] = A[2]; A[7] = A[5];
  const c = solve3(A, r);
  if (!c) return null;
  const radius = Math.sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2] + sumSq / n);
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (Math.hypot(points[3 * i] - mx - c[0], points[3 * i + 1] - my - c[1], points[3 * i + 2] - mz - c[2]) - radius) ** 2;
  return { center: [c[0] + mx, c[1] + my, c[2] + mz], radius, rms: Math.sqrt(sq / n) };
}

/** Extent of 2D points across their principal direction (the footprint's thickness). */
function minorExtent(xy: Float64Array): number {
  const n = xy.length >> 1;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += xy[2 * i]; my += xy[2 * i + 1]; }
  mx /= n; my /= n;
  let cxx = 0, cxy = 0, cyy = 0;
  for (let i = 0; i < n; i++) { const dx = xy[2 * i] - mx, dy = xy[2 * i + 1] - my; cxx += dx * dx; cxy += dx * dy; cyy += dy * dy; }
  const angle = 0.5 * Math.atan2(2 * cxy, cxx - cyy) + Math.PI / 2;
  const ux = Math.cos(angle), uy = Math.sin(angle);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) { const v = xy[2 * i] * ux + xy[2 * i + 1] * uy; if (v < lo) lo = v; if (v > hi) hi = v; }
  return hi - lo;
}

function solve3(m: Float64Array, b: Float64Array): [number, number, number] | null {
  const det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const scale = Math.abs(m[0]) + Math.abs(m[4]) + Math.abs(m[8]);
  if (!(Math.abs(det) > 1e-12 * scale ** 3)) return null;
  const col = (k: number, v: Float64Array) => { const c = Float64Array.from(m); c[k] = v[0]; c[3 + k] = v[1]; c[6 + k] = v[2]; return c; };
  const d = (x: Float64Array) => x[0] * (x[4] * x[8] - x[5] * x[7]) - x[1] * (x[3] * x[8] - x[5] * x[6]) + x[2] * (x[3] * x[7] - x[4] * x[6]);
  return [d(col(0, b)) / det, d(col(1, b)) / det, d(col(2, b)) / det];
}

/**
 * The upright box of an object from its visible world-frame points: a sphere or a vertical
 * cylinder when the points (or the outline of their footprint) fit one within 3% of its radius,
 * else the L-shape rectangle.
 */
export function fitUprightBox(pointsWorld: Points): FootprintFit {
  const n = pointsWorld.length / 3;
  if (n === 0) throw new RangeError("fitUprightBox needs at least one point");
  const xy = new Float64Array(2 * n);
  let z0 = Infinity, z1 = -Infinity, x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = pointsWorld[3 * i], y = pointsWorld[3 * i + 1], z = pointsWorld[3 * i + 2];
    xy[2 * i] = x; xy[2 * i + 1] = y;
    if (z < z0) z0 = z; if (z > z1) z1 = z;
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  if (!Number.isFinite(z0 + z1 + x0 + x1 + y0 + y1)) throw new RangeError("fitUprightBox needs finite coordinates");
  const spanM = Math.max(x1 - x0, y1 - y0, z1 - z0);
  if (n >= 20 && spanM > 0) {
    // A fitted radius far beyond the visible span means a nearly flat patch, not a round object.
    const sphere = fitSphere(pointsWorld);
    if (sphere && sphere.rms < ROUND_FIT_TOLERANCE * sphere.radius && sphere.radius < spanM) {
      const d = 2 * sphere.radius;
      const [cx, cy, cz] = sphere.center;
      return { shape: "sphere", box: { center: [cx, cy, cz], widthM: d, lengthM: d, heightM: d, yawRad: 0 } };
    }
    // Fit the footprint's outline, not all of it: a visible top face fills the disc's interior.
    const hull = convexHull2d(xy);
    const circle = hull.length >= 2 * 8 ? fitCircle(hull) : null;
    // A flat face has no sagitta: the visible part of a round object bulges at least a quarter of
    // its radius towards the camera, a nearly straight sliver of points does not, whatever fits it.
    if (circle && circle.rms < ROUND_FIT_TOLERANCE * circle.radius && circle.radius < spanM && minorExtent(xy) >= 0.25 * circle.radius) {
      const d = 2 * circle.radius;
      return { shape: "circle", box: { center: [circle.center[0], circle.center[1], (z0 + z1) / 2], widthM: d, lengthM: d, heightM: z1 - z0, yawRad: 0 } };
    }
  }
  return { shape: "rectangle", box: boxFromRectangle(lShapeRectangle(xy), z0, z1) };
}
