// Frame-agnostic: clusters points in any frame (metres); labels refer to the input order.
//
// Open3D 0.16 `cluster_dbscan(eps, min_points)` semantics, so cluster counts match the Python
// prototype: a point's neighbourhood is every point closer than eps, itself included; it is a core
// point when that neighbourhood has at least minPoints points; clusters are the connected core
// points plus the non-core points they reach; the rest is noise (-1). Open3D's radius search
// (nanoflann) keeps distances strictly below eps, so a neighbour exactly eps away is not one; this
// was checked against Open3D 0.16 and is kept for agreement.
// Clusters are numbered in order of their lowest-index core point, as Open3D numbers them; a border
// point within reach of two clusters may get the other one of the two than in Open3D, which
// visits points in hash-set order.
import { SpatialGrid } from "./spatial-grid.js";
import type { Points } from "./types.js";

export interface DbscanResult {
  /** Cluster of each point, 0..clusterCount-1, or -1 for noise. */
  labels: Int32Array;
  clusterCount: number;
}

/**
 * DBSCAN on a hash grid of cell size eps (every neighbour lies in the 27 cells around a point).
 * Throws RangeError on bad parameters or non-finite coordinates.
 * Example: `dbscan(voxels, 0.05, 10).clusterCount`.
 */
export function dbscan(points: Points, epsM: number, minPoints: number): DbscanResult {
  if (!(epsM > 0) || !Number.isFinite(epsM)) throw new RangeError(`epsM must be a positive finite number, got ${epsM}`);
  if (!(Number.isInteger(minPoints) && minPoints >= 0)) throw new RangeError(`minPoints must be a non-negative integer, got ${minPoints}`);
  const n = Math.floor(points.length / 3);
  if (n === 0) return { labels: new Int32Array(0), clusterCount: 0 };

  // A hair larger than eps so that rounding in floor((x - origin) / cell) can never put two points
  // closer than eps two cells apart; the exact test below decides membership.
  const grid = new SpatialGrid(points, epsM * (1 + 1e-9));
  const { cellTotal, cellStart, sortedIndex, sortedPoints: p } = grid;
  const { start: nbStart, cells: nbCells } = grid.neighbourCells();
  const eps2 = epsM * epsM;

  // Everything below works on positions in cell order (s), where a cell's points are contiguous.
  const sortedCell = new Uint32Array(n);
  const core = new Uint8Array(n);
  for (let c = 0; c < cellTotal; c++) {
    const cellEnd = cellStart[c + 1];
    for (let s = cellStart[c]; s < cellEnd; s++) {
      sortedCell[s] = c;
      const x = p[3 * s], y = p[3 * s + 1], z = p[3 * s + 2];
      let count = 0;
      // Core-ness only needs minPoints neighbours, so stop counting there.
      scan: for (let k = nbStart[c], kEnd = nbStart[c + 1]; k < kEnd; k++) {
        const nb = nbCells[k];
        for (let t = cellStart[nb], tEnd = cellStart[nb + 1], o = 3 * t; t < tEnd; t++, o += 3) {
          const dx = x - p[o], dy = y - p[o + 1], dz = z - p[o + 2];
          if (dx * dx + dy * dy + dz * dz < eps2 && ++count >= minPoints) break scan;
        }
      }
      if (count >= minPoints) core[s] = 1;
    }
  }

  const UNVISITED = -2, NOISE = -1;
  const label = new Int32Array(n).fill(UNVISITED);
  // Points per cell not yet in a cluster: a cell with none left is skipped without a distance test.
  const unassigned = grid.cellCount.slice();
  const stack = new Uint32Array(n);
  const position = new Uint32Array(n);
  for (let s = 0; s < n; s++) position[sortedIndex[s]] = s;
  let clusterCount = 0;
  // Seeds in input order, as Open3D takes them, so cluster numbers agree.
  for (let i = 0; i < n; i++) {
    const seed = position[i];
    if (label[seed] !== UNVISITED) continue;
    if (!core[seed]) {
      label[seed] = NOISE; // may still become a border point of a later cluster
      continue;
    }
    const cluster = clusterCount++;
    label[seed] = cluster;
    unassigned[sortedCell[seed]]--;
    let top = 0;
    stack[top++] = seed;
    while (top > 0) {
      const s = stack[--top];
      const c = sortedCell[s];
      const x = p[3 * s], y = p[3 * s + 1], z = p[3 * s + 2];
      for (let k = nbStart[c], kEnd = nbStart[c + 1]; k < kEnd; k++) {
        const nb = nbCells[k];
        if (unassigned[nb] === 0) continue;
        for (let t = cellStart[nb], tEnd = cellStart[nb + 1], o = 3 * t; t < tEnd; t++, o += 3) {
          if (label[t] >= 0) continue;
          const dx = x - p[o], dy = y - p[o + 1], dz = z - p[o + 2];
          if (dx * dx + dy * dy + dz * dz < eps2) {
            label[t] = cluster;
            unassigned[nb]--;
            // Each point is labelled once, so it is pushed at most once: the stack never overflows.
            if (core[t]) stack[top++] = t;
          }
        }
      }
    }
  }

  const labels = new Int32Array(n);
  for (let s = 0; s < n; s++) labels[sortedIndex[s]] = label[s];
  return { labels, clusterCount };
}
