// Per-object 3D extent. Input: one object's camera-frame points (OpenCV, metres) and `worldFromCam`;
// output: its denoised points and upright box in the world frame (z up), and its centre in both frames.
//
// SpatialVLM's denoising recipe: mask pixels at object borders pick up depth from whatever lies
// behind (flying pixels), and masks leak onto neighbours. So: voxelize at a size tied to the
// object's own scale (a mug and a sofa need different grids), drop statistical outliers, then keep
// only the main DBSCAN cluster — the object — and fit the box to that.
import { applyToPoint, applyToPoints, invert } from "./rigid.js";
import { dbscan } from "./dbscan.js";
import { KdTree } from "./knn.js";
import { statisticalOutlierInliers, selectPoints } from "./statistical-outliers.js";
import { voxelDownsample } from "./voxel-downsample.js";
import { axisAlignedBox } from "./boxes.js";
import { fitUprightBox, type FootprintShape } from "./footprint-fit.js";
import type { Points, RigidTransform, UprightBox, Vec3 } from "./types.js";

export interface ObjectExtractionOptions {
  /** Fewer surviving points than this and the object has no trustworthy 3D extent. */
  minPoints?: number;
  neighbours?: number;
  stdRatio?: number;
  /** Spacing between neighbouring depth samples at the object's depth (depth / focal length); DBSCAN's radius never goes below a few of these. */
  sampleSpacingM?: number;
  /**
   * A camera-frame point known to lie on the object (e.g. the median of the points in the middle
   * of its 2D box). The cluster nearest to it is kept instead of the largest: when parked cars
   * overlap in the picture, a car's mask also holds its neighbour, which may be the bigger blob.
   */
  anchorCam?: Vec3;
}

export interface ExtractedObject {
  pointsWorld: Points;
  box: UprightBox;
  /** Which model the box came from: rectangle footprint, vertical cylinder, or sphere. */
  shape: FootprintShape;
  centerWorld: Vec3;
  centerCam: Vec3;
  pointCount: number;
  voxelM: number;
}

/** The `quantile` of each point's distance to its k-th nearest neighbour (0 for tiny clouds). */
export function neighbourSpacingM(points: Points, k: number, quantile: number): number {
  const n = points.length / 3;
  if (n <= k) return 0;
  const tree = new KdTree(points);
  const idx = new Uint32Array(k + 1), d2 = new Float64Array(k + 1);
  const kth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    tree.knn(points[3 * i], points[3 * i + 1], points[3 * i + 2], k + 1, idx, d2); // +1: the point itself
    kth[i] = Math.sqrt(d2[k]);
  }
  kth.sort();
  return kth[Math.min(n - 1, Math.floor(quantile * n))];
}

/** Voxel size from the object's scale: 1/50 of its bounding diagonal, between 5 mm and 5 cm. */
export function voxelSizeForScale(diagonalM: number): number {
  return Math.min(0.05, Math.max(0.005, diagonalM / 50));
}

/** Denoises one object's points and fits its upright box; null when too little survives. */
export function extractObject(pointsCam: Points, worldFromCam: RigidTransform, options: ObjectExtractionOptions = {}): ExtractedObject | null {
  const { minPoints = 10, neighbours = 20, stdRatio = 2.0, sampleSpacingM = 0 } = options;
  if (pointsCam.length / 3 < minPoints) return null;

  const bounds = axisAlignedBox(pointsCam);
  const diagonalM = Math.hypot(bounds.max[0] - bounds.min[0], bounds.max[1] - bounds.min[1], bounds.max[2] - bounds.min[2]);
  const voxelM = voxelSizeForScale(diagonalM);
  const voxels = voxelDownsample(pointsCam, voxelM);
  if (voxels.length / 3 < minPoints) return null;

  const kept = selectPoints(voxels, statisticalOutlierInliers(voxels, neighbours, stdRatio));
  // Surfaces seen at a grazing angle (the top of a box just below eye level) are sampled far more
  // sparsely than one pixel's footprint suggests, and so are lidar rows. The radius therefore comes
  // from the cloud itself: the spacing that 90% of points are within of their 4th neighbour. A
  // radius from the object's size instead would bridge the real gap to whatever leaks in behind.
  const epsM = Math.min(diagonalM / 5, Math.max(2.5 * voxelM, 3 * sampleSpacingM, 1.5 * neighbourSpacingM(kept, 4, 0.9)));
  const { labels, clusterCount } = dbscan(kept, epsM, 6);
  const main = options.anchorCam ? anchoredCluster(kept, labels, clusterCount, options.anchorCam) : largestCluster(kept, labels, clusterCount);
  if (main.length / 3 < minPoints) return null;

  const pointsWorld = applyToPoints(worldFromCam, main);
  const { box, shape } = fitUprightBox(pointsWorld);
  const centerWorld: Vec3 = [box.center[0], box.center[1], box.center[2]];
  const centerCam = applyToPoint(invert(worldFromCam), centerWorld);
  return { pointsWorld, box, shape, centerWorld, centerCam, pointCount: main.length / 3, voxelM };
}

function clusterSizes(labels: Int32Array, clusterCount: number): Uint32Array {
  const sizes = new Uint32Array(clusterCount);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) sizes[labels[i]]++;
  return sizes;
}

/** Points of the most populous cluster; with no cluster at all (all noise), every point. */
function largestCluster(points: Points, labels: Int32Array, clusterCount: number): Points {
  if (clusterCount === 0) return points;
  const sizes = clusterSizes(labels, clusterCount);
  let best = 0;
  for (let c = 1; c < clusterCount; c++) if (sizes[c] > sizes[best]) best = c;
  return clusterPoints(points, labels, best, sizes[best]);
}

/**
 * The cluster of the clustered point nearest to `anchor`, unless it is a fragment (under a fifth of
 * the largest cluster), in which case the largest.
 */
function anchoredCluster(points: Points, labels: Int32Array, clusterCount: number, anchor: Vec3): Points {
  if (clusterCount === 0) return points;
  const sizes = clusterSizes(labels, clusterCount);
  let nearest = -1, bestD2 = Infinity, largest = 0;
  for (let c = 1; c < clusterCount; c++) if (sizes[c] > sizes[largest]) largest = c;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    const dx = points[3 * i] - anchor[0], dy = points[3 * i + 1] - anchor[1], dz = points[3 * i + 2] - anchor[2];
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 < bestD2) { bestD2 = d2; nearest = labels[i]; }
  }
  const chosen = nearest >= 0 && sizes[nearest] * 5 >= sizes[largest] ? nearest : largest;
  return clusterPoints(points, labels, chosen, sizes[chosen]);
}

function clusterPoints(points: Points, labels: Int32Array, best: number, size: number): Points {
  const out = new Float32Array(size * 3);
  let o = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== best) continue;
    out[o++] = points[i * 3]; out[o++] = points[i * 3 + 1]; out[o++] = points[i * 3 + 2];
  }
  return out;
}
