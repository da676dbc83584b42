// A per-object mask from depth alone, for classes the semantic segmenter does not know. Camera frame:
// OpenCV (x right, y down, z forward), metres; the box is in the depth image's pixels (detection.ts).
//
// The rule: inside the box, the object is the depth cluster that fills the box's centre and lies in
// front. Steps: (1) unproject a grid of the box's pixels (≤ maxSamples); (2) drop the floor — the
// near-horizontal plane with nothing beneath it (a table top has legs beneath, the floor has nothing)
// — or the caller's known support plane; (3) DBSCAN the rest with a radius of a few sample spacings
// at the box's median depth (z / f per pixel), so a step in depth (object → wall) splits clusters and
// a continuous surface does not; (4) score each cluster by its points in the middle half of the box
// (plus a tenth of its other points), times nearest-cluster depth / its depth; (5) paint every box pixel
// whose nearest sample is in the winner and whose own depth is within the radius of that sample's.
import { dbscan, dot, segmentPlane, type DepthImage, type Intrinsics, type Plane, type Vec3 } from "@spatial/shared/geometry";
import { boxPixelRange, type Box2d } from "../detect/detection.js";

export interface DepthMaskOptions {
  /** At most about this many depth samples from the box (default 8000). */
  maxSamples?: number;
  /** Camera-frame up direction, for telling the floor from walls (default [0, -1, 0]: camera roughly level). */
  upCam?: Vec3;
  /** The known support plane in the camera frame; when given, no floor is estimated. */
  floorPlaneCam?: Plane;
  /** Null when the chosen cluster covers less than this fraction of the box's pixels (default 0.05). */
  minBoxFraction?: number;
}

const FLOOR_MAX_TILT_COS = Math.cos((35 * Math.PI) / 180);

/** The main object's pixels inside `box2d` (full-image mask, 1 = object), or null when depth shows no object. */
export function maskFromDepth(box2d: Box2d, depth: DepthImage, k: Intrinsics, options: DepthMaskOptions = {}): Uint8Array | null {
  const { maxSamples = 8000, upCam = [0, -1, 0], floorPlaneCam, minBoxFraction = 0.05 } = options;
  const { width, height, data, unitsPerMetre } = depth;
  const { u0, u1, v0, v1 } = boxPixelRange(box2d, width, height);
  const boxPixels = Math.max(0, u1 - u0 + 1) * Math.max(0, v1 - v0 + 1);
  if (boxPixels === 0) return null;
  const zAt = (i: number) => {
    const z = data[i] / unitsPerMetre;
    return z > 0 && z < Infinity ? z : 0;
  };

  // (1) Samples on a stride grid; `cell` maps grid position → point index (-1 = no reading).
  const s = Math.max(1, Math.ceil(Math.sqrt(boxPixels / maxSamples)));
  const gw = Math.floor((u1 - u0) / s) + 1, gh = Math.floor((v1 - v0) / s) + 1;
  const cell = new Int32Array(gw * gh).fill(-1);
  const xyz = new Float32Array(gw * gh * 3);
  const gridOf: number[] = [];
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const u = u0 + gx * s, v = v0 + gy * s, z = zAt(v * width + u);
      if (!z) continue;
      const n = gridOf.length;
      xyz[3 * n] = ((u - k.cx) / k.fx) * z; xyz[3 * n + 1] = ((v - k.cy) / k.fy) * z; xyz[3 * n + 2] = z;
      cell[gy * gw + gx] = n;
      gridOf.push(gy * gw + gx);
    }
  }
  const count = gridOf.length;
  if (count < 10) return null;
  const points = xyz.subarray(0, 3 * count);
  const zs = Float32Array.from({ length: count }, (_, i) => points[3 * i + 2]).sort();
  const zMedian = zs[count >> 1];
  const spacingM = (s * zMedian) / Math.min(k.fx, k.fy);
  const epsM = Math.max(3 * spacingM, 0.01 * zMedian, 0.01);

  // (2) Floor removal: keep[i] = 0 for floor points and anything below the floor.
  const keep = new Uint8Array(count).fill(1);
  const floor = floorPlaneCam ? orientUp(floorPlaneCam, upCam) : estimateFloor(points, upCam, Math.max(epsM / 2, 0.02));
  if (floor) {
    const tolM = Math.max(epsM / 2, 0.02);
    for (let i = 0; i < count; i++) if (signedDistance(floor, points, i) < tolM) keep[i] = 0;
  }
  const kept: number[] = [];
  for (let i = 0; i < count; i++) if (keep[i]) kept.push(i);
  if (kept.length < 10) return null;
  const keptPoints = new Float32Array(kept.length * 3);
  kept.forEach((i, j) => keptPoints.set(points.subarray(3 * i, 3 * i + 3), 3 * j));

  // (3) Clusters. (4) Scores.
  const { labels, clusterCount } = dbscan(keptPoints, epsM, 5);
  if (clusterCount === 0) return null;
  const central = new Float64Array(clusterCount), total = new Float64Array(clusterCount);
  const depths: number[][] = Array.from({ length: clusterCount }, () => []);
  kept.forEach((i, j) => {
    const c = labels[j];
    if (c < 0) return;
    const g = gridOf[i], gx = g % gw, gy = (g - gx) / gw;
    total[c]++;
    depths[c].push(points[3 * i + 2]);
    if (Math.abs(gx - (gw - 1) / 2) <= gw / 4 && Math.abs(gy - (gh - 1) / 2) <= gh / 4) central[c]++;
  });
  const medianDepth = depths.map((d) => d.sort((a, b) => a - b)[d.length >> 1]);
  const zNear = Math.min(...medianDepth.filter((_, c) => total[c] >= 0.05 * count), Infinity);
  let best = -1, bestScore = 0;
  for (let c = 0; c < clusterCount; c++) {
    const score = (central[c] + 0.1 * (total[c] - central[c])) * Math.min(1, zNear / medianDepth[c]);
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  if (best < 0) return null;
  const inBest = new Uint8Array(count);
  kept.forEach((i, j) => { if (labels[j] === best) inBest[i] = 1; });

  // (5) Full-resolution mask.
  const mask = new Uint8Array(width * height);
  let painted = 0;
  for (let v = v0; v <= v1; v++) {
    const gy = Math.min(gh - 1, Math.round((v - v0) / s));
    for (let u = u0; u <= u1; u++) {
      const n = cell[gy * gw + Math.min(gw - 1, Math.round((u - u0) / s))];
      if (n < 0 || !inBest[n]) continue;
      const z = zAt(v * width + u);
      if (z && Math.abs(z - points[3 * n + 2]) < epsM) {
        mask[v * width + u] = 1;
        painted++;
      }
    }
  }
  return painted >= minBoxFraction * boxPixels && painted > 0 ? mask : null;
}

function signedDistance(p: Plane, points: Float32Array, i: number): number {
  return p.normal[0] * points[3 * i] + p.normal[1] * points[3 * i + 1] + p.normal[2] * points[3 * i + 2] + p.offset;
}

function orientUp(p: Plane, up: Vec3): Plane {
  return dot(p.normal, up) >= 0 ? p : { normal: [-p.normal[0], -p.normal[1], -p.normal[2]], offset: -p.offset };
}

/**
 * Up to three near-horizontal planes, largest first; the first with (almost) nothing beneath it is
 * the floor. A plane with points beneath — a table or box top — is set aside and the search goes on.
 */
function estimateFloor(points: Float32Array, up: Vec3, distanceM: number): Plane | null {
  const n = points.length / 3;
  let candidates = Array.from({ length: n }, (_, i) => i);
  for (let round = 0; round < 3 && candidates.length >= 0.05 * n; round++) {
    const subset = new Float32Array(candidates.length * 3);
    candidates.forEach((i, j) => subset.set(points.subarray(3 * i, 3 * i + 3), 3 * j));
    const fit = segmentPlane(subset, { distanceM, iterations: 200, seed: round, acceptNormal: (nm) => Math.abs(dot(nm, up)) >= FLOOR_MAX_TILT_COS });
    if (!fit || fit.inliers.length < 0.05 * n) return null;
    const plane = orientUp(fit.plane, up);
    // The refit over the inliers can tilt past what a floor may be (a box's top face and the upper
    // rows of its front face, seen from above, make one steep plane): that is no floor, and cutting
    // "beneath" it would cut the object's front face away. It is set aside like a table top.
    const level = Math.abs(dot(plane.normal, up)) >= FLOOR_MAX_TILT_COS;
    let beneath = 0;
    for (let i = 0; i < n; i++) if (signedDistance(plane, points, i) < -2 * distanceM) beneath++;
    if (level && beneath <= 0.02 * n) return plane;
    const inlier = new Set(Array.from(fit.inliers, (j) => candidates[j]));
    candidates = candidates.filter((i) => !inlier.has(i));
  }
  return null;
}
