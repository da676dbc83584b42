// Frame: axisAlignedBox, convexHull2d and minAreaRectangle are frame-agnostic; uprightBox and the
// functions on UprightBox work in the world frame (z up, metres), where "upright" means about z.
//
// Why a minimum-area rectangle and not PCA: for a box-shaped object seen from one side the points
// cover two faces unevenly, which tilts the principal axes; the hull's minimum-area rectangle has
// a side flush with a hull edge and does not care how densely each face was sampled.
import { pointBounds } from "./spatial-grid.js";
import type { AxisAlignedBox, Points, UprightBox, Vec3 } from "./types.js";

/** A rectangle in the plane: side `sizeU` along the unit direction at `angleRad` from +x, `sizeV` across it. */
export interface Rectangle2d {
  center: [number, number];
  angleRad: number;
  sizeU: number;
  sizeV: number;
}

/** Smallest axis-aligned box holding the points. Throws RangeError on an empty cloud or a non-finite coordinate. */
export function axisAlignedBox(points: Points): AxisAlignedBox {
  if (points.length < 3) throw new RangeError("axisAlignedBox needs at least one point");
  return pointBounds(points);
}

function cross(ox: number, oy: number, ax: number, ay: number, bx: number, by: number): number {
  return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
}

/**
 * Convex hull of 2D points (interleaved xy) by Andrew's monotone chain: vertices counter-clockwise,
 * starting from the lowest-x (then lowest-y) point, collinear points dropped. One distinct point
 * gives that point; collinear points give the two ends; no points give an empty array.
 */
export function convexHull2d(xy: Float64Array): Float64Array {
  if (xy.length % 2 !== 0) throw new RangeError(`xy must hold pairs, got ${xy.length} numbers`);
  const n = xy.length / 2;
  if (n === 0) return new Float64Array(0);

  // Akl–Toussaint: points strictly inside the polygon of the 8 extreme points (in x, y, x±y) cannot
  // be hull vertices. For object clouds that drops almost everything before the O(n log n) sort.
  const extreme = [0, 0, 0, 0, 0, 0, 0, 0]; // max x, max x+y, max y, max y-x, min x, min x+y, min y, max x-y
  for (let i = 1; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    const e = extreme;
    if (x > xy[2 * e[0]]) e[0] = i;
    if (x + y > xy[2 * e[1]] + xy[2 * e[1] + 1]) e[1] = i;
    if (y > xy[2 * e[2] + 1]) e[2] = i;
    if (y - x > xy[2 * e[3] + 1] - xy[2 * e[3]]) e[3] = i;
    if (x < xy[2 * e[4]]) e[4] = i;
    if (x + y < xy[2 * e[5]] + xy[2 * e[5] + 1]) e[5] = i;
    if (y < xy[2 * e[6] + 1]) e[6] = i;
    if (x - y > xy[2 * e[7]] - xy[2 * e[7] + 1]) e[7] = i;
  }
  const poly: number[] = [];
  for (const i of extreme) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    const m = poly.length;
    if (m === 0 || poly[m - 2] !== x || poly[m - 1] !== y) poly.push(x, y);
  }
  while (poly.length >= 4 && poly[0] === poly[poly.length - 2] && poly[1] === poly[poly.length - 1]) poly.length -= 2;
  const polyN = poly.length / 2;
  const keep = new Uint32Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    let inside = polyN >= 3;
    for (let k = 0; inside && k < polyN; k++) {
      const k2 = (k + 1) % polyN;
      if (!(cross(poly[2 * k], poly[2 * k + 1], poly[2 * k2], poly[2 * k2 + 1], x, y) > 0)) inside = false;
    }
    if (!inside) keep[kept++] = i;
  }

  const sorted = keep.subarray(0, kept).sort((a, b) => xy[2 * a] - xy[2 * b] || xy[2 * a + 1] - xy[2 * b + 1]);
  // Drop repeated points: a duplicate would survive the chains as a zero-length hull edge.
  let unique = 0;
  for (let j = 0; j < kept; j++) {
    const i = sorted[j];
    const prev = unique > 0 ? sorted[unique - 1] : -1;
    if (prev < 0 || xy[2 * i] !== xy[2 * prev] || xy[2 * i + 1] !== xy[2 * prev + 1]) sorted[unique++] = i;
  }
  const order = sorted.subarray(0, unique);
  kept = unique;
  // Lower hull left to right, then upper hull right to left; `<= 0` pops collinear points too.
  const hull = new Uint32Array(2 * kept + 1);
  let h = 0;
  for (let pass = 0; pass < 2; pass++) {
    const floor = h;
    for (let j = 0; j < kept; j++) {
      const i = order[pass === 0 ? j : kept - 1 - j];
      const x = xy[2 * i], y = xy[2 * i + 1];
      while (h >= floor + 2) {
        const a = hull[h - 2], b = hull[h - 1];
        if (cross(xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1], x, y) > 0) break;
        h--;
      }
      hull[h++] = i;
    }
    h--; // each chain's last point starts the other chain
  }
  // All points equal: both chains collapse to nothing; the hull is that one point.
  const count = Math.max(h, 1);
  if (h === 0) hull[0] = order[0];
  const out = new Float64Array(2 * count);
  for (let k = 0; k < count; k++) {
    out[2 * k] = xy[2 * hull[k]];
    out[2 * k + 1] = xy[2 * hull[k] + 1];
  }
  return out;
}

/**
 * Minimum-area rectangle around a convex polygon (counter-clockwise, no collinear vertices, as
 * convexHull2d returns it) by rotating calipers: the optimum has a side on a polygon edge, and the
 * extreme vertices for successive edges only move forward, so all edges cost O(h) together.
 * One vertex gives a zero-size rectangle; two give a zero-width one along their segment.
 */
export function minAreaRectangle(hullXy: Float64Array): Rectangle2d {
  const h = Math.floor(hullXy.length / 2);
  if (h === 0) throw new RangeError("minAreaRectangle needs at least one point");
  const px = (i: number): number => hullXy[2 * (i % h)];
  const py = (i: number): number => hullXy[2 * (i % h) + 1];
  if (h === 1) return { center: [px(0), py(0)], angleRad: 0, sizeU: 0, sizeV: 0 };
  if (h === 2) {
    const dx = px(1) - px(0), dy = py(1) - py(0);
    return { center: [(px(0) + px(1)) / 2, (py(0) + py(1)) / 2], angleRad: Math.atan2(dy, dx), sizeU: Math.hypot(dx, dy), sizeV: 0 };
  }
  let best: Rectangle2d | null = null;
  let bestArea = Infinity;
  let maxU = 0, maxV = 0, minU = 0;
  for (let i = 0; i < h; i++) {
    const ox = px(i), oy = py(i);
    let ux = px(i + 1) - ox, uy = py(i + 1) - oy;
    const len = Math.hypot(ux, uy);
    if (len === 0) continue;
    ux /= len;
    uy /= len;
    // v = u turned left: into the polygon, since it is counter-clockwise.
    const fu = (j: number): number => (px(j) - ox) * ux + (py(j) - oy) * uy;
    const fv = (j: number): number => (py(j) - oy) * ux - (px(j) - ox) * uy;
    if (i === 0) {
      for (let j = 1; j < h; j++) {
        if (fu(j) > fu(maxU)) maxU = j;
        if (fv(j) > fv(maxV)) maxV = j;
        if (fu(j) < fu(minU)) minU = j;
      }
    } else {
      for (let s = 0; s < h && fu(maxU + 1) >= fu(maxU); s++) maxU = (maxU + 1) % h;
      for (let s = 0; s < h && fv(maxV + 1) >= fv(maxV); s++) maxV = (maxV + 1) % h;
      for (let s = 0; s < h && fu(minU + 1) <= fu(minU); s++) minU = (minU + 1) % h;
    }
    const lo = fu(minU), hi = fu(maxU), across = fv(maxV);
    const area = (hi - lo) * across;
    if (area < bestArea) {
      bestArea = area;
      const mu = (lo + hi) / 2, mv = across / 2;
      best = {
        center: [ox + ux * mu - uy * mv, oy + uy * mu + ux * mv],
        angleRad: Math.atan2(uy, ux),
        sizeU: hi - lo,
        sizeV: across,
      };
    }
  }
  if (!best) throw new RangeError("minAreaRectangle got a polygon with no edge of positive length");
  return best;
}

/** Principal-axes rectangle of 2D points: sides along the eigenvectors of the xy covariance. */
function pcaRectangle(xy: Float64Array): Rectangle2d {
  const n = xy.length / 2;
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xy[2 * i];
    sy += xy[2 * i + 1];
  }
  const mx = sx / n, my = sy / n;
  let cxx = 0, cxy = 0, cyy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xy[2 * i] - mx, dy = xy[2 * i + 1] - my;
    cxx += dx * dx;
    cxy += dx * dy;
    cyy += dy * dy;
  }
  // Major axis of a symmetric 2×2 matrix in closed form; atan2(0, 0) = 0 covers one point.
  const angle = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
  const ux = Math.cos(angle), uy = Math.sin(angle);
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    const u = x * ux + y * uy, v = y * ux - x * uy;
    if (u < u0) u0 = u;
    if (u > u1) u1 = u;
    if (v < v0) v0 = v;
    if (v > v1) v1 = v;
  }
  const mu = (u0 + u1) / 2, mv = (v0 + v1) / 2;
  return { center: [mu * ux - mv * uy, mu * uy + mv * ux], angleRad: angle, sizeU: u1 - u0, sizeV: v1 - v0 };
}

/**
 * Upright box (about world z) around world-frame points: the xy rectangle by minimum area (or PCA)
 * and the z extent from min to max z. Per UprightBox: `widthM` is the side whose direction is
 * closer to world x, and yawRad (its angle from +x) lands in (-π/4, π/4] ⊂ (-π/2, π/2].
 * Throws RangeError on an empty cloud. Example: `uprightBox(pointsWorld).heightM`.
 */
/** Width along the side within 45° of world x, yaw folded into (-π/4, π/4] (see `UprightBox`). */
export function boxFromRectangle(rect: Rectangle2d, z0: number, z1: number): UprightBox {
  let yaw = rect.angleRad;
  while (yaw > Math.PI / 2) yaw -= Math.PI;
  while (yaw <= -Math.PI / 2) yaw += Math.PI;
  let widthM = rect.sizeU, lengthM = rect.sizeV;
  if (yaw > Math.PI / 4 || yaw <= -Math.PI / 4) {
    yaw += yaw > 0 ? -Math.PI / 2 : Math.PI / 2;
    widthM = rect.sizeV;
    lengthM = rect.sizeU;
  }
  return { center: [rect.center[0], rect.center[1], (z0 + z1) / 2], widthM, lengthM, heightM: z1 - z0, yawRad: yaw };
}

export function uprightBox(pointsWorld: Points, method: "min-area" | "pca" = "min-area"): UprightBox {
  const n = Math.floor(pointsWorld.length / 3);
  if (n === 0) throw new RangeError("uprightBox needs at least one point");
  const xy = new Float64Array(2 * n);
  let z0 = Infinity, z1 = -Infinity;
  for (let i = 0; i < n; i++) {
    xy[2 * i] = pointsWorld[3 * i];
    xy[2 * i + 1] = pointsWorld[3 * i + 1];
    const z = pointsWorld[3 * i + 2];
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  if (!Number.isFinite(z0 + z1)) throw new RangeError("uprightBox needs finite coordinates");
  const rect = method === "pca" ? pcaRectangle(xy) : minAreaRectangle(convexHull2d(xy));
  return boxFromRectangle(rect, z0, z1);
}

/** The rectangle's 4 xy corners, counter-clockwise from (-width/2, -length/2) in the box's axes. */
function footprint(box: UprightBox): Float64Array {
  const c = Math.cos(box.yawRad), s = Math.sin(box.yawRad);
  const hw = box.widthM / 2, hl = box.lengthM / 2;
  const out = new Float64Array(8);
  const signs = [-1, -1, 1, -1, 1, 1, -1, 1];
  for (let k = 0; k < 4; k++) {
    const a = signs[2 * k] * hw, b = signs[2 * k + 1] * hl;
    out[2 * k] = box.center[0] + a * c - b * s;
    out[2 * k + 1] = box.center[1] + a * s + b * c;
  }
  return out;
}

/** The 8 corners: the bottom 4 counter-clockwise seen from above, then the top 4 in the same order. */
export function uprightBoxCorners(box: UprightBox): Vec3[] {
  const f = footprint(box);
  const z0 = box.center[2] - box.heightM / 2, z1 = box.center[2] + box.heightM / 2;
  const corners: Vec3[] = [];
  for (const z of [z0, z1]) for (let k = 0; k < 4; k++) corners.push([f[2 * k], f[2 * k + 1], z]);
  return corners;
}

function pointSegmentDistanceSq(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const ex = bx - ax, ey = by - ay;
  const len2 = ex * ex + ey * ey;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * ex + (py - ay) * ey) / len2)) : 0;
  const dx = px - ax - t * ex, dy = py - ay - t * ey;
  return dx * dx + dy * dy;
}

/** True when the two footprints overlap or touch: no separating axis among the four side normals. */
function footprintsOverlap(a: UprightBox, b: UprightBox): boolean {
  for (const yaw of [a.yawRad, a.yawRad + Math.PI / 2, b.yawRad, b.yawRad + Math.PI / 2]) {
    const nx = Math.cos(yaw), ny = Math.sin(yaw);
    const radius = (box: UprightBox): number => {
      const c = Math.cos(box.yawRad), s = Math.sin(box.yawRad);
      return (box.widthM / 2) * Math.abs(c * nx + s * ny) + (box.lengthM / 2) * Math.abs(-s * nx + c * ny);
    };
    const gap = Math.abs((a.center[0] - b.center[0]) * nx + (a.center[1] - b.center[1]) * ny);
    if (gap > radius(a) + radius(b)) return false;
  }
  return true;
}

/**
 * Closest distance between two upright boxes (0 when they touch or overlap). Exact, not a bound:
 * an upright box is a footprint rectangle × a z interval, and the squared distance between points
 * splits into a horizontal and a vertical term that depend on disjoint coordinates, so the minimum
 * over the product is √(min horizontal² + min vertical²). The horizontal term is 0 when the
 * footprints overlap (separating axis test), else the least vertex-to-edge distance, which is where
 * two disjoint convex polygons come closest.
 */
export function uprightBoxDistance(a: UprightBox, b: UprightBox): number {
  let horizontal2 = 0;
  if (!footprintsOverlap(a, b)) {
    horizontal2 = Infinity;
    const fa = footprint(a), fb = footprint(b);
    for (const [p, q] of [[fa, fb], [fb, fa]]) {
      for (let i = 0; i < 4; i++) {
        for (let k = 0; k < 4; k++) {
          const k2 = (k + 1) % 4;
          const d2 = pointSegmentDistanceSq(p[2 * i], p[2 * i + 1], q[2 * k], q[2 * k + 1], q[2 * k2], q[2 * k2 + 1]);
          if (d2 < horizontal2) horizontal2 = d2;
        }
      }
    }
  }
  const aLow = a.center[2] - a.heightM / 2, aHigh = a.center[2] + a.heightM / 2;
  const bLow = b.center[2] - b.heightM / 2, bHigh = b.center[2] + b.heightM / 2;
  const vertical = Math.max(0, Math.max(aLow, bLow) - Math.min(aHigh, bHigh));
  return Math.sqrt(horizontal2 + vertical * vertical);
}

/**
 * Which image edges a 2D box (pixels, x2 / y2 one past its last pixel) reaches, within 1% of the
 * image's size and at least 2 px: a detector's regressed box stops a few pixels short of an
 * object the border cuts.
 */
export function edgesTouched(box2d: readonly number[], width: number, height: number): { left: boolean; top: boolean; right: boolean; bottom: boolean } {
  const tx = Math.max(2, 0.01 * width), ty = Math.max(2, 0.01 * height);
  return { left: box2d[0] <= tx, top: box2d[1] <= ty, right: box2d[2] >= width - tx, bottom: box2d[3] >= height - ty };
}
