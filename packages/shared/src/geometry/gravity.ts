// Gravity alignment. Input: camera-frame points (OpenCV: x right, y down, z forward, metres).
// Output: `worldFromCam` into the world frame of DESIGN.md — z up along the support plane's normal,
// origin on that plane directly below the camera, y = the camera's forward direction projected on
// the plane, x = y × z (to the viewer's right).
//
// Like SpatialVLM, the support plane is a large roughly horizontal plane (floor or table top),
// accepted only with enough inliers; of several such planes we take the lowest, the floor when it
// qualifies, since that is what "how high above the floor" means. "Roughly horizontal" is judged against the camera's own up
// (-y): photos are taken with little roll and moderate pitch, so the floor's normal lies within
// `maxTiltDeg` of it while walls lie near 90°. When nothing qualifies (a wall fills the view, too
// few points), we say so with `canonicalized: false` and fall back to the camera's up, never NaN.
import { transformFromAxes } from "./rigid.js";
import { segmentPlane } from "./plane-ransac.js";
import { voxelDownsample } from "./voxel-downsample.js";
import { cross, dot, normalize, scale, sub } from "./vec3.js";
import type { Plane, Points, RigidTransform, Vec3 } from "./types.js";

export interface GravityOptions {
  /** Largest angle between a candidate plane's normal and the camera's up (-y). */
  maxTiltDeg?: number;
  /** RANSAC inlier distance; default scales with the scene: clamp(1% of median depth, 2 cm, 10 cm). */
  distanceM?: number;
  /** A plane must hold at least this share of the (voxelized) points… */
  minInlierFraction?: number;
  /** …and at least this many of them. */
  minInliers?: number;
  /** Voxel size for the RANSAC cloud; voxelizing makes inlier counts measure area, not pixel density near the camera. */
  voxelM?: number;
  iterations?: number;
  seed?: number;
}

export interface GravityAlignment {
  canonicalized: boolean;
  upSource: "support-plane" | "camera";
  worldFromCam: RigidTransform;
  /** Support plane in the camera frame, normal pointing up (towards the camera's side). */
  supportPlaneCam?: Plane;
  /** Camera height above the support plane in metres; 0 when not canonicalized. */
  cameraHeightM: number;
  /** Share of the voxelized cloud on the support plane (0 when none). */
  inlierFraction: number;
  /** Why no plane was accepted, for logs and answers. */
  reason?: string;
}

const CAMERA_UP: Vec3 = [0, -1, 0];
const CAMERA_FORWARD: Vec3 = [0, 0, 1];

/** The stand-in frame when no support plane qualifies: z = camera up, y = camera forward, origin at the camera. */
export const CAMERA_LEVEL_FRAME: RigidTransform = transformFromAxes([1, 0, 0], CAMERA_FORWARD, CAMERA_UP, [0, 0, 0]);

/**
 * Builds the world frame on a support plane given in the camera frame with its normal pointing to
 * the camera's side (so `offset` is the camera's height above it, > 0).
 */
export function worldFromSupportPlane(planeCam: Plane): RigidTransform {
  const up = normalize(planeCam.normal);
  const heightM = planeCam.offset;
  // Project the optical axis on the plane; when looking straight down it vanishes, and the image's
  // up direction (-y) is then what points "forward" for the viewer.
  let forward = sub(CAMERA_FORWARD, scale(up, dot(CAMERA_FORWARD, up)));
  if (Math.hypot(...forward) < 0.1) forward = sub(CAMERA_UP, scale(up, dot(CAMERA_UP, up)));
  const yAxis = normalize(forward);
  const xAxis = cross(yAxis, up);
  // Origin (camera centre projected on the plane) is -heightM·up in camera coordinates, so t = -R·origin = (0, 0, heightM).
  return transformFromAxes(xAxis, yAxis, up, [0, 0, heightM]);
}

function medianDepthM(points: Points): number {
  const n = points.length / 3;
  if (n === 0) return 0;
  const step = Math.max(1, Math.floor(n / 2048));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step) sample.push(points[i * 3 + 2]);
  sample.sort((a, b) => a - b);
  return sample[sample.length >> 1];
}

function uncanonicalized(reason: string): GravityAlignment {
  return { canonicalized: false, upSource: "camera", worldFromCam: CAMERA_LEVEL_FRAME, cameraHeightM: 0, inlierFraction: 0, reason };
}

/** Finds the support plane and the world frame on it; see the file comment for the rules. */
export function alignToGravity(pointsCam: Points, options: GravityOptions = {}): GravityAlignment {
  const { maxTiltDeg = 50, minInlierFraction = 0.08, minInliers = 100, voxelM = 0.03, iterations = 1000, seed = 1 } = options;
  const distanceM = options.distanceM ?? Math.min(0.1, Math.max(0.02, 0.01 * medianDepthM(pointsCam)));
  let cloud = voxelDownsample(pointsCam, voxelM);
  const total = cloud.length / 3;
  const needed = Math.max(minInliers, Math.ceil(minInlierFraction * total));
  if (total < needed) return uncanonicalized(`too few points (${total}) to find a support plane`);

  const cosMaxTilt = Math.cos((maxTiltDeg * Math.PI) / 180);
  const roughlyHorizontal = (n: Vec3) => Math.abs(dot(n, CAMERA_UP)) >= cosMaxTilt;
  // Several horizontal planes can qualify: the floor, a table top, sofa seats. Elevation is asked
  // "above the floor", so the lowest qualifying plane wins; a plane above the camera (a ceiling)
  // never does. Each found plane's points are removed before looking for the next.
  let best: { normal: Vec3; offset: number; inliers: number; points: Points } | null = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    const fit = segmentPlane(cloud, { distanceM, iterations, seed: seed + attempt, acceptNormal: roughlyHorizontal });
    if (!fit || fit.inliers.length < needed) break;
    let { normal, offset } = fit.plane;
    if (dot(normal, CAMERA_UP) < 0) { normal = scale(normal, -1); offset = -offset; }
    // Floors, table tops and seats are parallel: a later plane tilted against the first is a slope
    // of leftovers (the floor's noisy fringe, a sofa back), not another support surface. And a
    // floor lies beneath the table top it replaces, all of it: a lower plane that the current one's
    // points straddle (a street dipping downhill in the distance) is not beneath it.
    const parallel = !best || dot(normal, best.normal) > Math.cos((10 * Math.PI) / 180);
    const beneath = !best || shareAbove(best.points, normal, offset, distanceM) >= 0.95;
    if (offset > 0 && roughlyHorizontal(normal) && parallel && (!best || offset > best.offset) && beneath) {
      best = { normal, offset, inliers: fit.inliers.length, points: selectIndices(cloud, fit.inliers) };
    }
    cloud = withoutIndices(cloud, fit.inliers);
  }
  if (best) {
    const supportPlaneCam: Plane = { normal: best.normal, offset: best.offset };
    return {
      canonicalized: true,
      upSource: "support-plane",
      worldFromCam: worldFromSupportPlane(supportPlaneCam),
      supportPlaneCam,
      cameraHeightM: best.offset,
      inlierFraction: best.inliers / total,
    };
  }
  return uncanonicalized(`no roughly horizontal plane below the camera holds ${Math.round(minInlierFraction * 100)}% of the points`);
}

/** Share of the points more than `marginM` above the plane n·p + offset = 0 (normal pointing up). */
function shareAbove(points: Points, normal: Vec3, offset: number, marginM: number): number {
  const n = points.length / 3;
  let above = 0;
  for (let i = 0; i < n; i++) if (normal[0] * points[3 * i] + normal[1] * points[3 * i + 1] + normal[2] * points[3 * i + 2] + offset > marginM) above++;
  return n ? above / n : 0;
}

function selectIndices(points: Points, indices: Uint32Array): Points {
  const out = new Float32Array(indices.length * 3);
  for (let j = 0; j < indices.length; j++) out.set(points.subarray(3 * indices[j], 3 * indices[j] + 3), 3 * j);
  return out;
}

function withoutIndices(points: Points, sortedIndices: Uint32Array): Points {
  const n = points.length / 3;
  const out = new Float32Array((n - sortedIndices.length) * 3);
  let j = 0, o = 0;
  for (let i = 0; i < n; i++) {
    if (j < sortedIndices.length && sortedIndices[j] === i) { j++; continue; }
    out[o++] = points[i * 3]; out[o++] = points[i * 3 + 1]; out[o++] = points[i * 3 + 2];
  }
  return out;
}

