// Lifts 2D observations (labelled boxes, optional masks) and a metric depth image into a scene
// graph: gravity-aligned world frame, one denoised upright 3D box per object, colour and image
// position attributes. Camera frame in: OpenCV, metres. Graph out: world frame of DESIGN.md.
import { alignToGravity, type GravityAlignment, type GravityOptions } from "../geometry/gravity.js";
import { unprojectDepth, type DepthImage } from "../geometry/camera.js";
import { liftObject } from "../geometry/object-lift.js";
import { edgesTouched } from "../geometry/boxes.js";
import type { ObjectSizePrior } from "../geometry/amodal-box.js";
import type { Intrinsics, Points } from "../geometry/types.js";
import { objectColor } from "./color-name.js";
import type { ImagePosition, IntrinsicsSource, SceneGraph, SceneObject, UnlocatedObject } from "./scene-graph.js";

const SHAPE_OF_FIT = { rectangle: "box", circle: "cylinder", sphere: "sphere" } as const;

export interface ObjectObservation {
  label: string;
  score: number;
  /** Pixels [x1, y1, x2, y2]. */
  box2d: [number, number, number, number];
  /** Image-sized, non-zero = object. Without one the whole 2D box is used and denoising keeps the main cluster. */
  mask?: Uint8Array;
  /**
   * The mask is the caller's own and exact: keep it as given. Other masks (semantic class ∩ box, a
   * box) may overlap a neighbour's, and overlapping pixels are shared out by depth.
   */
  maskIsExact?: boolean;
  /**
   * What the class typically measures (the pipeline knows it from the label). With one, the box
   * becomes the whole object's (hidden back, the part near the ground) and an object with too few
   * depth points for a shape is still placed; without one, the box is what the points show.
   */
  sizePrior?: ObjectSizePrior;
}

export interface SceneInput {
  width: number;
  height: number;
  /** Interleaved RGB, width × height × 3; gives colour attributes when present. */
  rgb?: Uint8Array;
  /** Metric depth of the same size as the image. */
  depth: DepthImage;
  intrinsics: Intrinsics & { source: IntrinsicsSource };
  /** `input`, `model:<name>` or `priors`. */
  depthSource: string;
  objects: ObjectObservation[];
  gravity?: GravityOptions;
}

export interface BuiltScene {
  graph: SceneGraph;
  alignment: GravityAlignment;
  /** Denoised world-frame points per object id (absent for objects without a measured shape). */
  pointsWorld: Map<string, Points>;
}

/** Which third of the image the 2D box centre falls in. */
export function imagePositionOf(box2d: readonly number[], widthPx: number): ImagePosition {
  const centerX = (box2d[0] + box2d[2]) / 2;
  return centerX < widthPx / 3 ? "left" : centerX > (2 * widthPx) / 3 ? "right" : "center";
}

export function buildSceneGraph(input: SceneInput): BuiltScene {
  const { width, height, depth, intrinsics } = input;
  if (depth.width !== width || depth.height !== height) {
    throw new RangeError(`depth map is ${depth.width}×${depth.height} but the image is ${width}×${height}`);
  }
  // Every other pixel is plenty for a plane fit that voxelizes at 3 cm anyway.
  const scenePoints = unprojectDepth(depth, intrinsics, { stride: 2 });
  const alignment = alignToGravity(scenePoints.pointsCam, input.gravity);
  const pointsWorld = new Map<string, Points>();

  // Each mask is unprojected once, and again only when sharing overlaps took pixels from it.
  const lift = (mask: Uint8Array, box2d: readonly number[]) => {
    const points = unprojectDepth(depth, intrinsics, { mask });
    return { mask, points, anchorCam: centralMedian(points.pointsCam, points.pixelIndex, box2d, width) };
  };
  const first = input.objects.map((o) => lift(o.mask ?? boxMask(o.box2d, width, height), o.box2d));
  const { masks, changed } = shareOverlapsByDepth(input.objects, first.map((l) => l.mask), first.map((l) => l.anchorCam?.[2] ?? NaN), depth);
  const lifted = first.map((l, i) => (changed.has(i) ? lift(masks[i], input.objects[i].box2d) : l));

  const nearZ = lifted.map((l) => l.anchorCam?.[2] ?? Infinity);
  const objects: SceneObject[] = [];
  const unlocated: UnlocatedObject[] = [];
  input.objects.forEach((observation, index) => {
    const id = `obj-${index}`;
    const { mask, points } = lifted[index];
    const result = liftObject(points.pointsCam, points.pixelIndex, {
      label: observation.label,
      box2d: observation.box2d,
      ...(observation.sizePrior ? { prior: observation.sizePrior } : {}),
      bottomOccluded: bottomCoveredByNearer(index, input.objects, nearZ),
      ...(observation.mask ? { mask } : {}),
    }, {
      intrinsics, imageWidth: width, imageHeight: height, worldFromCam: alignment.worldFromCam,
      ...(alignment.supportPlaneCam ? { supportPlaneCam: alignment.supportPlaneCam } : {}),
      sampleSpacingM: (pointsCam) => sampleSpacingM(pointsCam, countNonZero(mask), intrinsics.fx),
      depth,
      depthMeasured: input.depthSource !== "priors",
    });
    const label = observation.label.toLowerCase();
    if (!result.located) {
      unlocated.push({ label, score: observation.score, box2d: observation.box2d, reason: result.reason });
      return;
    }
    if (result.pointsWorld) pointsWorld.set(id, result.pointsWorld);
    const color = input.rgb ? objectColor(input.rgb, width, observation.box2d, observation.mask) : undefined;
    objects.push({
      id,
      label,
      score: observation.score,
      box2d: observation.box2d,
      attributes: {
        ...(color ? { color } : {}),
        imagePosition: imagePositionOf(observation.box2d, width),
        truncated: touchesBorder(observation.box2d, width, height),
      },
      centerCam: result.centerCam,
      box: result.box,
      ...(result.visibleBox ? { visibleBox: result.visibleBox } : {}),
      ...(result.extentSource ? { extentSource: result.extentSource } : {}),
      shape: SHAPE_OF_FIT[result.shape],
      pointCount: result.pointCount,
    });
  });

  const graph: SceneGraph = {
    version: 1,
    image: { width, height },
    intrinsics: { fx: intrinsics.fx, fy: intrinsics.fy, cx: intrinsics.cx, cy: intrinsics.cy, source: intrinsics.source },
    depth: { source: input.depthSource },
    frame: {
      canonicalized: alignment.canonicalized,
      upSource: alignment.upSource,
      worldFromCam: alignment.worldFromCam,
      ...(alignment.supportPlaneCam ? { supportPlaneCam: alignment.supportPlaneCam } : {}),
      cameraHeightM: alignment.cameraHeightM,
    },
    objects,
    ...(unlocated.length ? { unlocated } : {}),
  };
  return { graph, alignment, pointsWorld };
}

/** The 2D box reaches an image edge (geometry's `edgesTouched`): the object may go on outside the picture. */
export function touchesBorder(box2d: readonly number[], width: number, height: number): boolean {
  const e = edgesTouched(box2d, width, height);
  return e.left || e.top || e.right || e.bottom;
}

/**
 * Whether a nearer object's 2D box covers most of this one's bottom edge (a car behind a car): its
 * lowest part is then out of sight rather than absent.
 */
function bottomCoveredByNearer(index: number, observations: readonly ObjectObservation[], nearZ: readonly number[]): boolean {
  const [x1, , x2, y2] = observations[index].box2d;
  return observations.some((o, j) => {
    if (j === index || !(nearZ[j] < nearZ[index])) return false;
    const [ox1, oy1, ox2, oy2] = o.box2d;
    return oy1 < y2 && oy2 > y2 && Math.min(x2, ox2) - Math.max(x1, ox1) > 0.5 * (x2 - x1);
  });
}

/**
 * Where derived masks overlap (parked cars in a row: each car's box holds a piece of its
 * neighbours), a pixel with a depth reading goes to the object whose central depth it is closest
 * to; pixels without a reading stay with every mask that had them (they yield no points anyway).
 * Exact (caller) masks are left alone and never lose pixels.
 */
function shareOverlapsByDepth(observations: ObjectObservation[], masks: Uint8Array[], centralZ: readonly number[], depth: DepthImage): { masks: Uint8Array[]; changed: Set<number> } {
  const changed = new Set<number>();
  const derived = observations.map((o, i) => (o.maskIsExact ? -1 : i)).filter((i) => i >= 0);
  if (derived.length < 2) return { masks, changed };
  const out = masks.map((m, i) => (observations[i].maskIsExact ? m : m.slice()));
  const metresPerUnit = 1 / depth.unitsPerMetre;
  for (let p = 0; p < depth.data.length; p++) {
    const z = depth.data[p] * metresPerUnit;
    if (!(z > 0) || z === Infinity) continue;
    let owners = 0, best = -1, bestError = Infinity;
    for (const i of derived) {
      if (masks[i][p] === 0) continue;
      owners++;
      const error = Math.abs(z - centralZ[i]);
      if (error < bestError) { bestError = error; best = i; }
    }
    if (owners < 2 || best < 0) continue;
    for (const i of derived) {
      if (i === best || out[i][p] === 0) continue;
      out[i][p] = 0;
      changed.add(i);
    }
  }
  return { masks: out, changed };
}

/**
 * Per-axis median of the points whose pixels lie in the middle half of the 2D box (the part of a
 * box a detector centres on the object); undefined when none do.
 */
function centralMedian(pointsCam: Points, pixelIndex: Uint32Array, box2d: readonly number[], width: number): [number, number, number] | undefined {
  const [x1, y1, x2, y2] = box2d;
  const qx = (x2 - x1) / 4, qy = (y2 - y1) / 4;
  const xs: number[] = [], ys: number[] = [], zs: number[] = [];
  for (let i = 0; i < pixelIndex.length; i++) {
    const u = pixelIndex[i] % width, v = Math.floor(pixelIndex[i] / width);
    if (u < x1 + qx || u > x2 - qx || v < y1 + qy || v > y2 - qy) continue;
    xs.push(pointsCam[3 * i]); ys.push(pointsCam[3 * i + 1]); zs.push(pointsCam[3 * i + 2]);
  }
  if (zs.length === 0) return undefined;
  const median = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1];
  return [median(xs), median(ys), median(zs)];
}

function boxMask(box2d: readonly number[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const x1 = Math.max(0, Math.floor(box2d[0])), y1 = Math.max(0, Math.floor(box2d[1]));
  const x2 = Math.min(width, Math.ceil(box2d[2])), y2 = Math.min(height, Math.ceil(box2d[3]));
  for (let y = y1; y < y2; y++) mask.fill(1, y * width + x1, y * width + x2);
  return mask;
}

function countNonZero(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/**
 * Typical distance between neighbouring depth samples on the object: one pixel's footprint at its
 * median depth, widened by 1/√density for sparse maps (a lidar projected into the image).
 */
function sampleSpacingM(pointsCam: Points, maskPixels: number, focalPx: number): number {
  const n = pointsCam.length / 3;
  if (n === 0 || maskPixels === 0) return 0;
  const depths = new Float32Array(n);
  for (let i = 0; i < n; i++) depths[i] = pointsCam[i * 3 + 2];
  depths.sort();
  const density = Math.min(1, n / maskPixels);
  return depths[n >> 1] / focalPx / Math.sqrt(density);
}
