// Frame-agnostic: planes through points in any frame (metres); the plane is in the points' frame.
//
// RANSAC with Open3D 0.16 `segment_plane` semantics (the Python prototype's support-plane and
// gravity step): 3 distinct random points per iteration, inliers |n·p + d| < distanceM, best by
// inlier count then by the lower summed distance, and Open3D's adaptive early stop. Then, as
// Open3D does, a least-squares refit on the winning inliers; unlike Open3D we count the inliers
// again against the refitted plane, so the returned inliers are those of the returned plane.
import { createRng } from "./random.js";
import type { Plane, Points, Vec3 } from "./types.js";

export interface PlaneFit {
  plane: Plane;
  /** Ascending indices of the points within distanceM of `plane`. */
  inliers: Uint32Array;
}

export interface SegmentPlaneOptions {
  /** Inlier threshold: |signed distance| < distanceM. */
  distanceM: number;
  /** How many samples of 3 points to draw at most (degenerate and rejected samples count too). */
  iterations: number;
  /** Same seed, same answer. Default 0. */
  seed?: number;
  /** Rejects a candidate plane by its unit normal before its inliers are counted (e.g. keep only near-horizontal ones). */
  acceptNormal?: (normal: Vec3) => boolean;
  /** Stop once a plane this likely to be the best has been seen; Open3D's default 0.99999999. */
  probability?: number;
}

/** Signed distance from `point` to `plane`, positive on the side the normal points to. */
export function pointPlaneDistance(plane: Plane, point: Vec3): number {
  const [a, b, c] = plane.normal;
  return a * point[0] + b * point[1] + c * point[2] + plane.offset;
}

const PAIRS: ReadonlyArray<readonly [number, number]> = [[0, 1], [0, 2], [1, 2]];

/**
 * Eigen-decomposition of a symmetric 3×3 matrix (row-major, overwritten) by cyclic Jacobi
 * rotations: slower than the closed form but accurate when eigenvalues nearly coincide, which is
 * exactly the near-degenerate case (nearly collinear points) a fit has to detect.
 * Eigenvector i is column i of `vectors`; eigenvalues are the diagonal of `a` on return.
 */
function jacobiEigen3(a: Float64Array, vectors: Float64Array): void {
  vectors.fill(0);
  vectors[0] = vectors[4] = vectors[8] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
    const diag = a[0] * a[0] + a[4] * a[4] + a[8] * a[8];
    if (off <= 1e-30 * diag || off === 0) return;
    for (const [p, q] of PAIRS) {
      const apq = a[3 * p + q];
      if (apq === 0) continue;
      const theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq);
      const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      const tau = s / (1 + c);
      const h = t * apq;
      a[3 * p + p] -= h;
      a[3 * q + q] += h;
      a[3 * p + q] = a[3 * q + p] = 0;
      const r = 3 - p - q; // the third index
      const g = a[3 * r + p], hh = a[3 * r + q];
      a[3 * r + p] = a[3 * p + r] = g - s * (hh + g * tau);
      a[3 * r + q] = a[3 * q + r] = hh + s * (g - hh * tau);
      for (let k = 0; k < 3; k++) {
        const vg = vectors[3 * k + p], vh = vectors[3 * k + q];
        vectors[3 * k + p] = vg - s * (vh + vg * tau);
        vectors[3 * k + q] = vh + s * (vg - vh * tau);
      }
    }
  }
}
/** Orients a plane so the origin is on its non-negative side (offset ≥ 0): a stable sign for callers. */
function orientedPlane(nx: number, ny: number, nz: number, offset: number): Plane {
  return offset < 0 ? { normal: [-nx, -ny, -nz], offset: -offset } : { normal: [nx, ny, nz], offset };
}

/**
 * Least-squares plane through the points (all, or those at `indices`): through the centroid, normal
 * along the covariance's smallest eigenvector. Null for fewer than 3 points or (near-)collinear
 * points, where the normal is undefined. The normal is oriented so that offset ≥ 0 (for
 * camera-frame points: the normal faces the camera side of the plane).
 */
export function fitPlaneLeastSquares(points: Points, indices?: Uint32Array): Plane | null {
  const total = Math.floor(points.length / 3);
  const m = indices ? indices.length : total;
  if (m < 3) return null;
  let sx = 0, sy = 0, sz = 0;
  for (let j = 0; j < m; j++) {
    const o = 3 * (indices ? indices[j] : j);
    if (o >= points.length) throw new RangeError(`index ${o / 3} is out of range for ${total} points`);
    sx += points[o];
    sy += points[o + 1];
    sz += points[o + 2];
  }
  const cx = sx / m, cy = sy / m, cz = sz / m;
  // Second pass about the centroid: the one-pass Σp² - n·c² loses everything to cancellation when
  // the plane is metres from the origin and flat to a millimetre.
  let xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;
  for (let j = 0; j < m; j++) {
    const o = 3 * (indices ? indices[j] : j);
    const dx = points[o] - cx, dy = points[o + 1] - cy, dz = points[o + 2] - cz;
    xx += dx * dx; xy += dx * dy; xz += dx * dz;
    yy += dy * dy; yz += dy * dz; zz += dz * dz;
  }
  const a = Float64Array.of(xx, xy, xz, xy, yy, yz, xz, yz, zz);
  const v = new Float64Array(9);
  jacobiEigen3(a, v);
  const values = [a[0], a[4], a[8]];
  const order = [0, 1, 2].sort((i, j) => values[i] - values[j]);
  const middle = values[order[1]], largest = values[order[2]];
  // Collinear (or coincident) points: the two smallest spreads both vanish.
  if (!(largest > 0) || middle <= 1e-12 * largest) return null;
  const k = order[0];
  let nx = v[k], ny = v[3 + k], nz = v[6 + k];
  const len = Math.hypot(nx, ny, nz);
  nx /= len; ny /= len; nz /= len;
  return orientedPlane(nx, ny, nz, -(nx * cx + ny * cy + nz * cz));
}

/**
 * The points regrouped by cells of a coarse grid, each cell with its tight bounding box, so that a
 * candidate plane's inliers are counted only in the cells its slab |n·p + d| < t crosses. A depth
 * cloud is a few surfaces: a slab through it crosses a small share of the occupied cells, and the
 * rest are ruled out by one box test each. Exact: the count is the same as testing every point.
 */
interface CellGrid {
  /** Points in cell order, xyz. */
  points: Float32Array;
  /** Per occupied cell: first point, end point (in `points`, as point indices). */
  start: Uint32Array;
  end: Uint32Array;
  /** Per occupied cell: box centre and half extents, xyz each. */
  centre: Float64Array;
  half: Float64Array;
}

/** About this many points per occupied cell: fewer cells make box tests useless, more make them the cost. */
const POINTS_PER_CELL = 256;

function buildCellGrid(points: Points): CellGrid {
  const n = Math.floor(points.length / 3);
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let o = 0; o < 3 * n; o += 3) {
    const x = points[o], y = points[o + 1], z = points[o + 2];
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; if (z < z0) z0 = z; if (z > z1) z1 = z;
  }
  // Points lie on surfaces, so occupied cells grow with the square of the resolution: size the
  // cell for n / POINTS_PER_CELL cells over the box's largest face.
  const ex = x1 - x0, ey = y1 - y0, ez = z1 - z0;
  const face = Math.max(ex * ey, ey * ez, ex * ez, 1e-12);
  const cell = Math.max(Math.sqrt((face * POINTS_PER_CELL) / Math.max(1, n)), 1e-6);
  const nx = Math.min(1024, Math.floor(ex / cell) + 1), ny = Math.min(1024, Math.floor(ey / cell) + 1), nz = Math.min(1024, Math.floor(ez / cell) + 1);
  const keyOf = new Uint32Array(n);
  const counts = new Map<number, number>();
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const key = (Math.min(nx - 1, Math.floor((points[o] - x0) / cell)) * ny + Math.min(ny - 1, Math.floor((points[o + 1] - y0) / cell))) * nz + Math.min(nz - 1, Math.floor((points[o + 2] - z0) / cell));
    keyOf[i] = key;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const m = counts.size;
  const slot = new Map<number, number>();
  const start = new Uint32Array(m), end = new Uint32Array(m);
  let next = 0, c = 0;
  for (const [key, count] of counts) { slot.set(key, c); start[c] = next; end[c] = next; next += count; c++; }
  const out = new Float32Array(3 * n);
  const lo = new Float64Array(3 * m).fill(Infinity), hi = new Float64Array(3 * m).fill(-Infinity);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const s = slot.get(keyOf[i])!;
    const w = 3 * end[s]++;
    for (let a = 0; a < 3; a++) {
      const v = points[o + a];
      out[w + a] = v;
      if (v < lo[3 * s + a]) lo[3 * s + a] = v;
      if (v > hi[3 * s + a]) hi[3 * s + a] = v;
    }
  }
  const centre = new Float64Array(3 * m), half = new Float64Array(3 * m);
  for (let j = 0; j < 3 * m; j++) { centre[j] = (lo[j] + hi[j]) / 2; half[j] = (hi[j] - lo[j]) / 2; }
  return { points: out, start, end, centre, half };
}

/**
 * Counts points with |a x + b y + c z + d| < threshold; writes [count, Σ|distance|] to `out`.
 * Gives up (the count then falls short) once the best count cannot be reached.
 */
function countInliers(grid: CellGrid, a: number, b: number, c: number, d: number, threshold: number, mustReach: number, out: Float64Array): void {
  const { points, start, end, centre, half } = grid;
  const aa = Math.abs(a), ab = Math.abs(b), ac = Math.abs(c);
  let count = 0, err = 0;
  let remaining = points.length / 3;
  for (let s = 0; s < start.length; s++) {
    const k = 3 * s;
    const dc = a * centre[k] + b * centre[k + 1] + c * centre[k + 2] + d;
    const reach = aa * half[k] + ab * half[k + 1] + ac * half[k + 2];
    remaining -= end[s] - start[s];
    if ((dc < 0 ? -dc : dc) - reach >= threshold) continue; // the slab misses the cell's box
    for (let o = 3 * start[s], e = 3 * end[s]; o < e; o += 3) {
      const dist = a * points[o] + b * points[o + 1] + c * points[o + 2] + d;
      const ad = dist < 0 ? -dist : dist;
      if (ad < threshold) {
        count++;
        err += ad;
      }
    }
    if (count + remaining < mustReach) break;
  }
  out[0] = count;
  out[1] = err;
}

function inliersOf(points: Points, plane: Plane, threshold: number): Uint32Array {
  const [a, b, c] = plane.normal;
  const d = plane.offset;
  const n = Math.floor(points.length / 3);
  const out = new Uint32Array(n);
  let count = 0;
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const dist = a * points[o] + b * points[o + 1] + c * points[o + 2] + d;
    if ((dist < 0 ? -dist : dist) < threshold) out[count++] = i;
  }
  return out.slice(0, count);
}

/**
 * The plane with the most points within `distanceM`, by RANSAC, refined by least squares.
 * Null for fewer than 3 points or when every sample was degenerate or rejected by `acceptNormal`.
 * Candidate normals passed to `acceptNormal` are oriented as fitPlaneLeastSquares orients them.
 * Example: `segmentPlane(pointsCam, { distanceM: 0.02, iterations: 1000, seed: 1 })`.
 */
export function segmentPlane(points: Points, options: SegmentPlaneOptions): PlaneFit | null {
  const { distanceM, iterations, seed = 0, acceptNormal, probability = 0.99999999 } = options;
  if (!(distanceM > 0) || !Number.isFinite(distanceM)) throw new RangeError(`distanceM must be a positive finite number, got ${distanceM}`);
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  if (!(probability > 0 && probability <= 1)) throw new RangeError(`probability must be in (0, 1], got ${probability}`);
  const n = Math.floor(points.length / 3);
  if (n < 3) return null;

  const rng = createRng(seed);
  const grid = buildCellGrid(points);
  const counted = new Float64Array(2);
  let bestCount = 0, bestErr = Infinity;
  let ba = 0, bb = 0, bc = 0, bd = 0;
  let found = false;
  let evaluated = 0;
  let breakIteration = Infinity;
  for (let itr = 0; itr < iterations && evaluated <= breakIteration; itr++) {
    const i0 = Math.floor(rng() * n);
    let i1 = Math.floor(rng() * n);
    while (i1 === i0) i1 = Math.floor(rng() * n);
    let i2 = Math.floor(rng() * n);
    while (i2 === i0 || i2 === i1) i2 = Math.floor(rng() * n);
    const o0 = 3 * i0, o1 = 3 * i1, o2 = 3 * i2;
    const px = points[o0], py = points[o0 + 1], pz = points[o0 + 2];
    const e0x = points[o1] - px, e0y = points[o1 + 1] - py, e0z = points[o1 + 2] - pz;
    const e1x = points[o2] - px, e1y = points[o2 + 1] - py, e1z = points[o2 + 2] - pz;
    let a = e0y * e1z - e0z * e1y, b = e0z * e1x - e0x * e1z, c = e0x * e1y - e0y * e1x;
    const norm = Math.sqrt(a * a + b * b + c * c);
    // Collinear sample: no plane. Like Open3D, it does not count towards the early stop.
    if (norm === 0) continue;
    a /= norm; b /= norm; c /= norm;
    let d = -(a * px + b * py + c * pz);
    if (d < 0) { a = -a; b = -b; c = -c; d = -d; }
    if (acceptNormal && !acceptNormal([a, b, c])) continue;
    countInliers(grid, a, b, c, d, distanceM, bestCount, counted);
    const count = counted[0], err = counted[1];
    evaluated++;
    if (count > bestCount || (count === bestCount && count > 0 && err < bestErr)) {
      bestCount = count;
      bestErr = err;
      ba = a; bb = b; bc = c; bd = d;
      found = true;
      const fitness = count / n;
      // Open3D's adaptive stop: enough samples that an all-inlier triple was drawn with `probability`.
      breakIteration = fitness < 1 ? Math.min(breakIteration, Math.log(1 - probability) / Math.log(1 - fitness ** 3)) : 0;
    }
  }
  if (!found) return null;

  const ransacPlane: Plane = { normal: [ba, bb, bc], offset: bd };
  const ransacInliers = inliersOf(points, ransacPlane, distanceM);
  const refit = fitPlaneLeastSquares(points, ransacInliers);
  if (!refit) return { plane: ransacPlane, inliers: ransacInliers };
  return { plane: refit, inliers: inliersOf(points, refit, distanceM) };
}
