// Frame-agnostic: filters points in any frame (metres); indices refer to the input order.
//
// Open3D 0.16 `remove_statistical_outlier(nb_neighbors, std_ratio)` semantics, so the TypeScript
// pipeline keeps the same points the Python prototype kept: each point's mean distance to its k
// nearest points (itself included, at distance 0), then a global threshold mean + stdRatio · std
// (Bessel-corrected) over those means. Exact kNN, because an approximate one changes which points
// sit just above the threshold. Checked index for index against Open3D on the NYU fixture.
// One quirk not copied: Open3D also drops every point whose mean is exactly 0 (its k nearest are
// all copies of it) and leaves such points out of the spread; a pile of duplicates is not an
// outlier, so here it is treated like any other point. Clouds lifted from depth have no duplicates.
import { meanNeighbourDistances } from "./knn.js";
import type { Points } from "./types.js";

/**
 * Ascending indices of the points whose mean k-neighbour distance is below the cloud's mean plus
 * `stdRatio` standard deviations. A cloud with fewer than `neighbours` points uses all of them.
 * Throws RangeError on bad parameters or non-finite coordinates.
 * Example: `selectPoints(points, statisticalOutlierInliers(points, 20, 2.0))`.
 */
export function statisticalOutlierInliers(points: Points, neighbours: number, stdRatio: number): Uint32Array {
  if (!(Number.isInteger(neighbours) && neighbours >= 1)) throw new RangeError(`neighbours must be a positive integer, got ${neighbours}`);
  if (!(stdRatio > 0) || !Number.isFinite(stdRatio)) throw new RangeError(`stdRatio must be a positive finite number, got ${stdRatio}`);
  const n = Math.floor(points.length / 3);
  if (n === 0) return new Uint32Array(0);
  const avg = meanNeighbourDistances(points, neighbours);

  // Summed in index order, as std::accumulate does in Open3D, so the threshold matches exactly.
  let sum = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = avg[i];
    sum += a;
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = avg[i] - mean;
    sq += d * d;
  }
  // One point has no spread; Bessel's n - 1 would divide by zero.
  const std = n > 1 ? Math.sqrt(sq / (n - 1)) : 0;
  const threshold = mean + stdRatio * std;

  // Deviation from Open3D: when every point has the same mean distance (a perfect lattice, one
  // point) nothing stands out, so all are kept; Open3D's strict `<` against mean + 0 would keep all
  // or none depending on rounding in the mean.
  const keepAll = lo === hi;
  const kept = new Uint32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (keepAll || avg[i] < threshold) kept[count++] = i;
  return kept.slice(0, count);
}

/** The points at `indices`, in that order, as a new array. Throws RangeError on an index out of range. */
export function selectPoints(points: Points, indices: Uint32Array): Points {
  const n = Math.floor(points.length / 3);
  const out = new Float32Array(indices.length * 3);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (i >= n) throw new RangeError(`index ${i} is out of range for ${n} points`);
    out[3 * j] = points[3 * i];
    out[3 * j + 1] = points[3 * i + 1];
    out[3 * j + 2] = points[3 * i + 2];
  }
  return out;
}
