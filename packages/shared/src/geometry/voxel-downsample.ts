// Frame-agnostic: works on points in any frame (metres); the output is in the same frame.
//
// Open3D 0.16 `voxel_down_sample` semantics, so point counts match the Python prototype: voxel
// index = floor((p - minBound) / voxel) with minBound = min(points) - voxel / 2, one output point
// per occupied voxel at the mean of its points. The half-voxel shift is Open3D's; keeping it (and the
// same double-precision arithmetic, see assignCells) is what makes the counts agree exactly.
import { assignCells, minBound } from "./spatial-grid.js";
import type { Points } from "./types.js";

/**
 * One point per occupied voxel of side `voxelM`: the mean of the points in it. Output order is the
 * order in which voxels are first met in the input (Open3D's order is its hash map's; only the set
 * of points is comparable). Throws RangeError on a bad voxel size or non-finite coordinates.
 * Example: `voxelDownsample(pointsCam, 0.02)` for a 2 cm cloud.
 */
export function voxelDownsample(points: Points, voxelM: number): Points {
  if (!(voxelM > 0) || !Number.isFinite(voxelM)) throw new RangeError(`voxel size must be a positive finite number, got ${voxelM}`);
  const n = Math.floor(points.length / 3);
  if (n === 0) return new Float32Array(0);
  const lo = minBound(points);
  const half = voxelM * 0.5;
  const { pointCell, cellTotal } = assignCells(points, voxelM, [lo[0] - half, lo[1] - half, lo[2] - half]);

  // Sums in double: float32 sums over thousands of points would drift by millimetres.
  const sums = new Float64Array(cellTotal * 3);
  const counts = new Uint32Array(cellTotal);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const c = pointCell[i];
    const s = c * 3;
    sums[s] += points[o];
    sums[s + 1] += points[o + 1];
    sums[s + 2] += points[o + 2];
    counts[c]++;
  }
  const out = new Float32Array(cellTotal * 3);
  for (let c = 0, s = 0; c < cellTotal; c++, s += 3) {
    const inv = 1 / counts[c];
    out[s] = sums[s] * inv;
    out[s + 1] = sums[s + 1] * inv;
    out[s + 2] = sums[s + 2] * inv;
  }
  return out;
}
