// One object from its mask's depth points to its whole-object box, or to an honest "no 3D".
// Frames: points in the OpenCV camera frame (metres); boxes in the world frame of `worldFromCam`.
//
// 1. Ground: for a class that rests on the ground, points on the support plane are the ground it
//    stands on (the road at the bottom of a car's box), never the object; its box reaches the
//    ground anyway (amodal-box.ts).
// 2. Foreground: the object's first surface along the depth axis (first-surface.ts), cut at the
//    class's largest plausible extent, so what is seen behind or between its parts never joins it.
// 3. Shape: the denoised main cluster and its upright box (object-extract.ts), the visible extent.
// 4. Whole object: completed from the class's typical size (amodal-box.ts) when one is known.
// 5. Too few points for a shape but some on its first surface: the class's typical box placed at
//    their median depth. No points, or no class size to place few of them by: no 3D, with a reason.
import { completeUprightBox, boxFromPrior, type ExtentSources, type ObjectSizePrior } from "./amodal-box.js";
import { edgesTouched } from "./boxes.js";
import { firstSurface } from "./first-surface.js";
import { extractObject, type ExtractedObject } from "./object-extract.js";
import { applyToPoint, invert } from "./rigid.js";
import type { FootprintShape } from "./footprint-fit.js";
import type { DepthImage } from "./camera.js";
import type { Intrinsics, Plane, Points, RigidTransform, UprightBox, Vec3 } from "./types.js";

export interface LiftContext {
  intrinsics: Intrinsics;
  imageWidth: number;
  imageHeight: number;
  worldFromCam: RigidTransform;
  /** The support plane (camera frame, normal up) when one was found. */
  supportPlaneCam?: Plane;
  /** Sample spacing on the object (see object-extract's `sampleSpacingM`). */
  sampleSpacingM?: (pointsCam: Points) => number;
  /**
   * The whole depth map: free space behind the object is read from its 2D box, not only from its
   * mask (a segmenter's mask leaves out the wall right behind a sofa, which bounds the sofa).
   */
  depth?: DepthImage;
  /**
   * Whether the depth was measured (a sensor, a depth model). Depth drawn from size priors is the
   * priors' own picture of each object (a front plane, a top face) and says nothing about free
   * space behind it: completion is then unbounded by it.
   */
  depthMeasured?: boolean;
}

export interface LiftTarget {
  label: string;
  box2d: readonly [number, number, number, number];
  prior?: ObjectSizePrior;
  /** A nearer object covers this one's bottom edge. */
  bottomOccluded?: boolean;
  /**
   * The object's own pixels (image-sized, non-zero = object) when a mask was given or derived; a
   * plain box has none. Free space is evidenced by rays that miss the object: pixels of the mask
   * are its own surface (a top face seen edge-on jumps in depth), not space behind it.
   */
  mask?: Uint8Array;
}

export type LiftedObject =
  | { located: true; box: UprightBox; visibleBox?: UprightBox; extentSource?: ExtentSources; shape: FootprintShape; centerCam: Vec3; pointCount: number; pointsWorld?: Points }
  | { located: false; reason: string };

/** At least this many foreground points to trust their median depth for a prior-sized box. */
const MIN_POINTS_FOR_PLACEMENT = 3;

export function liftObject(pointsCam: Points, pixelIndex: Uint32Array, target: LiftTarget, ctx: LiftContext): LiftedObject {
  const n = pointsCam.length / 3;
  if (n === 0) return { located: false, reason: "no depth readings inside its box" };
  const { prior } = target;
  const [x1, y1, x2, y2] = target.box2d;
  const W = ctx.imageWidth;

  // 1. Ground points of a ground-resting class.
  const keep = new Uint8Array(n).fill(1);
  const plane = ctx.supportPlaneCam;
  if (prior?.restsOnGround && plane) {
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const x = pointsCam[3 * i], y = pointsCam[3 * i + 1], z = pointsCam[3 * i + 2];
      const heightM = plane.normal[0] * x + plane.normal[1] * y + plane.normal[2] * z + plane.offset;
      // The plane's own noise grows with range (lidar, stereo): half a percent of the depth, 5–15 cm.
      if (heightM < Math.min(0.15, Math.max(0.05, 0.005 * z))) keep[i] = 0;
      else kept++;
    }
    // Everything "on the ground": the plane is off there (a slope, a far kerb); the points are what we have.
    if (kept < MIN_POINTS_FOR_PLACEMENT) keep.fill(1);
  }
  // 2. First surface, weighted by the middle half of the box.
  const qx = (x2 - x1) / 4, qy = (y2 - y1) / 4;
  const zs = new Float32Array(n), central = new Uint8Array(n), index = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const u = pixelIndex[i] % W, v = (pixelIndex[i] - u) / W;
    zs[m] = pointsCam[3 * i + 2];
    central[m] = u >= x1 + qx && u <= x2 - qx && v >= y1 + qy && v <= y2 - qy ? 1 : 0;
    index[m++] = i;
  }
  const maxDepthExtentM = prior ? 1.25 * Math.hypot(prior.widthM, prior.lengthM, prior.heightM) : Infinity;
  const surface = firstSurface(zs.subarray(0, m), central.subarray(0, m), { maxDepthExtentM });
  if (!surface) return { located: false, reason: "no depth readings on the object itself (only the ground it stands on)" };
  let count = 0, centralCount = 0;
  for (let j = 0; j < m; j++) if (zs[j] >= surface.nearM && zs[j] <= surface.farM) { count++; if (central[j]) centralCount++; }
  const fg = new Float32Array(count * 3);
  const cx = new Float32Array(centralCount), cy = new Float32Array(centralCount), cz = new Float32Array(centralCount);
  for (let j = 0, o = 0, c = 0; j < m; j++) {
    if (!(zs[j] >= surface.nearM && zs[j] <= surface.farM)) continue;
    const i = index[j];
    fg[o++] = pointsCam[3 * i]; fg[o++] = pointsCam[3 * i + 1]; fg[o++] = pointsCam[3 * i + 2];
    if (central[j]) { cx[c] = pointsCam[3 * i]; cy[c] = pointsCam[3 * i + 1]; cz[c++] = pointsCam[3 * i + 2]; }
  }
  const anchorCam: Vec3 | undefined = centralCount ? [median(cx), median(cy), median(cz)] : undefined;

  // 3. Visible extent.
  const extracted: ExtractedObject | null = extractObject(fg, ctx.worldFromCam, { sampleSpacingM: ctx.sampleSpacingM?.(fg) ?? 0, ...(anchorCam ? { anchorCam } : {}) });
  const camFromWorld = invert(ctx.worldFromCam);
  const cameraWorld = ctx.worldFromCam.translation;
  if (extracted) {
    if (!prior) return { located: true, box: extracted.box, shape: extracted.shape, centerCam: extracted.centerCam, pointCount: extracted.pointCount, pointsWorld: extracted.pointsWorld };
    // 4. Whole object. Free space behind: the background's depth, turned into ground range the way the object's own is.
    const ratio = Math.hypot(extracted.centerWorld[0] - cameraWorld[0], extracted.centerWorld[1] - cameraWorld[1]) / Math.max(1e-6, extracted.centerCam[2]);
    const edges = edgesTouched(target.box2d, W, ctx.imageHeight);
    const topM = y1 > 1 ? topFromBox(fg, target.box2d, ctx) : undefined;
    const completed = completeUprightBox(extracted.box, extracted.shape, prior, {
      cameraWorld, groundKnown: !!plane, bottomHidden: edges.bottom || !!target.bottomOccluded, freeSpaceToM: ctx.depthMeasured === false ? Infinity : Math.min(target.mask ? Infinity : surface.behindM, ctx.depth ? depthBehindInBox(ctx.depth, target.box2d, surface.farM, ctx, target.mask) : Infinity) * ratio,
      ...(topM !== undefined ? { topM } : {}),
      ...cutToward(edges, ctx),
    });
    const changed = completed.extentSource.width !== "measured" || completed.extentSource.length !== "measured" || completed.extentSource.height !== "measured";
    return {
      located: true, box: completed.box, ...(changed ? { visibleBox: extracted.box, extentSource: completed.extentSource } : {}),
      shape: extracted.shape, centerCam: applyToPoint(camFromWorld, completed.box.center), pointCount: extracted.pointCount, pointsWorld: extracted.pointsWorld,
    };
  }
  // 5. Few points: a typical box at their median depth, or nothing.
  if (count < MIN_POINTS_FOR_PLACEMENT) return { located: false, reason: `only ${count} depth reading${count === 1 ? "" : "s"} on the object` };
  if (!prior) return { located: false, reason: `only ${count} depth readings on the object and no typical size known for "${target.label}" to complete it` };
  const zMedian = median(fgDepths(fg));
  const k = ctx.intrinsics;
  const u = (x1 + x2) / 2, v = (y1 + y2) / 2;
  const nearPointWorld = applyToPoint(ctx.worldFromCam, [((u - k.cx) / k.fx) * zMedian, ((v - k.cy) / k.fy) * zMedian, zMedian]);
  const placed = boxFromPrior(prior, { nearPointWorld, apparentWidthM: ((x2 - x1) * zMedian) / k.fx, cameraWorld, groundKnown: !!plane });
  return { located: true, box: placed.box, extentSource: placed.extentSource, shape: "rectangle", centerCam: applyToPoint(camFromWorld, placed.box.center), pointCount: count };
}

/** For a 2D box touching the image's left or right edge: the ground direction towards that edge (the camera's left or right). */
function cutToward(edges: { left: boolean; right: boolean }, ctx: LiftContext): { cutTowardWorld?: [number, number] } {
  // Cut on both sides: the picture shows neither end, and growing one way would be a guess.
  const sign = edges.left === edges.right ? 0 : edges.left ? -1 : 1;
  if (sign === 0) return {};
  // The camera's right (+x) in the world frame: the first column of worldFromCam's rotation, on the ground.
  const r = ctx.worldFromCam.rotation;
  const x = r[0], y = r[3], norm = Math.hypot(x, y);
  return norm > 1e-6 ? { cutTowardWorld: [(sign * x) / norm, (sign * y) / norm] } : {};
}

/**
 * The 10th percentile of the depths seen inside the 2D box beyond `farM` (the object's surface
 * window), outside the object's mask when it has one, ground excluded when the support plane is
 * known (the road behind a car is not a wall); Infinity when nothing is seen behind. About 4000
 * samples on a grid.
 */
function depthBehindInBox(depth: DepthImage, box2d: readonly number[], farM: number, ctx: LiftContext, mask?: Uint8Array): number {
  const x0 = Math.max(0, Math.floor(box2d[0])), y0 = Math.max(0, Math.floor(box2d[1]));
  const x1 = Math.min(depth.width, Math.ceil(box2d[2])), y1 = Math.min(depth.height, Math.ceil(box2d[3]));
  const step = Math.max(1, Math.round(Math.sqrt(((x1 - x0) * (y1 - y0)) / 4000)));
  const k = ctx.intrinsics, plane = ctx.supportPlaneCam;
  const behind: number[] = [];
  for (let v = y0; v < y1; v += step) {
    for (let u = x0; u < x1; u += step) {
      if (mask && mask[v * depth.width + u]) continue;
      const z = depth.data[v * depth.width + u] / depth.unitsPerMetre;
      if (!(z > farM && z < Infinity)) continue;
      if (plane) {
        const heightM = plane.normal[0] * ((u - k.cx) / k.fx) * z + plane.normal[1] * ((v - k.cy) / k.fy) * z + plane.normal[2] * z + plane.offset;
        if (heightM < Math.min(0.15, Math.max(0.05, 0.005 * z))) continue;
      }
      behind.push(z);
    }
  }
  if (behind.length === 0) return Infinity;
  const sorted = Float64Array.from(behind).sort();
  return sorted[Math.floor(0.1 * sorted.length)];
}

/**
 * Elevation of the 2D box's top edge (centre column) at the object's near-face depth (the 10th
 * percentile of its points' depths): where the object's top is when the depth missed it (lidar
 * returns nothing from dark glass, a roof seen edge-on holds no row).
 */
function topFromBox(fg: Points, box2d: readonly number[], ctx: LiftContext): number {
  const zs = fgDepths(fg).sort();
  const zNear = zs[Math.floor(0.1 * zs.length)];
  const k = ctx.intrinsics, u = (box2d[0] + box2d[2]) / 2, v = box2d[1];
  return applyToPoint(ctx.worldFromCam, [((u - k.cx) / k.fx) * zNear, ((v - k.cy) / k.fy) * zNear, zNear])[2];
}

function fgDepths(points: Points): Float32Array {
  const zs = new Float32Array(points.length / 3);
  for (let j = 0; j < zs.length; j++) zs[j] = points[3 * j + 2];
  return zs;
}

/** Upper median; sorts a copy (typed-array sort: numeric, fast). */
function median(xs: Float32Array): number {
  const s = Float32Array.from(xs).sort();
  return s[s.length >> 1];
}
