// The `priors` depth source, for RGB-only photos with no depth model: a metric ESTIMATE from what
// things usually measure and where they stand. Frame: OpenCV camera, z depth in metres.
//
// 1. Objects that stand on the floor (size-priors.ts), box whole and bottom not hidden behind a
//    nearer box, fix the camera's height and pitch (ground-plane.ts: robust grid fit; 1.5 m and
//    level when no object constrains it).
// 2. Every detection then gets the log-average of its distance cues (priors-cues.ts), each weighted
//    by its spread; cues vaguer than ±45% are dropped, and an object with none gets no distance:
//    - floor contact: its box's bottom row on the fitted floor (things of unknown or "any" support
//      too, with a wide spread, since they may stand on something undetected);
//    - support contact: the bottom row on the top of a detected table, bed or seat under it;
//    - size: its prior height (or width) against the box, exact for the camera's pitch;
//    - top edge: for a floor object whose bottom is hidden or cut off, its top on the plane H above
//      the floor; and the visible part caps its distance (the whole is at least that tall).
// 3. The depth map: each box holds a vertical plane facing the camera at its object's distance (its
//    front), plus the top face of floor objects the camera looks down on; the nearest box wins where
//    boxes overlap; a box without a distance stays empty. Outside boxes, only when the camera was
//    fitted from objects: the floor plane, from rows where it is known within ±25% (near the horizon
//    a row spans metres), out to 1.5× the farthest floor contact (at least 3 m): past the last object
//    there is no evidence the floor goes on rather than a wall. Everything else is 0, "no reading":
//    a made-up background would put points in 3D where nothing was seen.
//
// How good it is (priors-depth.test.ts): on rendered rooms whose objects match their priors, absRel
// ≈ 0.11 over the pixels it fills, objects' distances within 10% (median); on real RGB-D frames with
// hand-drawn boxes and the COCO table, absRel 0.12–0.33. An estimate, and marked as one.
import type { DepthImage, Intrinsics } from "@spatial/shared/geometry";
import { fitGroundCamera, floorDepthAtRow, horizonRow, verticalPlaneDepthAtRow, type FloorObservation, type GroundCamera } from "./ground-plane.js";
import { bottomHidden, contactCues, farthestFromVisiblePart, sizeCues, topCues, type Box, type CameraTrust } from "./priors-cues.js";
import { COCO_SIZE_PRIORS, sizePriorFor, type SizePrior } from "./size-priors.js";

export interface PriorsDetection {
  label: string;
  score: number;
  /** [x1, y1, x2, y2] in pixel edges: a box covering pixel columns 0..9 is [0, y1, 10, y2]. */
  box2d: readonly [number, number, number, number];
}

export interface PriorsDepthInput {
  /** The upright image's size. */
  width: number;
  height: number;
  intrinsics: Intrinsics;
  detections: readonly PriorsDetection[];
  /** Size priors by label (default: COCO_SIZE_PRIORS). */
  priors?: Readonly<Record<string, SizePrior>>;
  /** Detections scoring below this are ignored (default 0.3). */
  minScore?: number;
  /** How far the floor plane is drawn (default: see the header). */
  maxFloorDepthM?: number;
}

export interface PriorsDepthResult {
  /** Metres (unitsPerMetre 1), 0 = no estimate. */
  depth: DepthImage;
  source: "priors";
  /** Always true: nothing here was measured. */
  estimate: true;
  cameraHeightM: number;
  /** Positive looks down. */
  pitchRad: number;
  horizonRow: number;
  /** "objects" when at least one object constrained the camera; "defaults" when none could. */
  cameraFrom: "objects" | "defaults";
  /** Per detection (same order): z depth of its front at its box centre, or null without a cue. */
  objectDepthsM: (number | null)[];
  /** Detections whose size agreed with the fitted camera (the fit's inliers). */
  usedObjects: number[];
}

/** Cues less certain than this (ln spread) are dropped: no distance beats a distance off by 2×. */
const MAX_CUE_SIGMA = 0.45;
const BORDER_MARGIN = 0.01;
const FLOOR_MAX_SIGMA = 0.25;

/**
 * Metric depth from size priors and the ground plane.
 * Example: `estimatePriorsDepth({ width, height, intrinsics, detections }).depth`.
 */
export function estimatePriorsDepth(input: PriorsDepthInput): PriorsDepthResult {
  const { width: W, height: H, intrinsics: k, detections, ...options } = input;
  const table = options.priors ?? COCO_SIZE_PRIORS;
  const boxes: Box[] = [];
  detections.forEach((d, i) => {
    if (!(d.score >= (options.minScore ?? 0.3))) return;
    const [x1, y1, x2, y2] = [Math.max(0, d.box2d[0]), Math.max(0, d.box2d[1]), Math.min(W, d.box2d[2]), Math.min(H, d.box2d[3])];
    if (!(x2 - x1 >= 2 && y2 - y1 >= 2)) return;
    // Rows in pixel-centre coordinates. A box edge within 1% of the border is taken as cut by the
    // frame: detectors' boxes stop a few pixels short of it, and many images have a dark margin.
    const mx = Math.max(1, BORDER_MARGIN * W), my = Math.max(1, BORDER_MARGIN * H);
    const clip = { top: y1 <= my, bottom: y2 >= H - my, left: x1 <= mx, right: x2 >= W - mx };
    boxes.push({ i, prior: sizePriorFor(d.label, table), x1, x2, top: y1 - 0.5, bottom: y2 - 0.5, clip, hiddenBottom: false });
  });
  for (const b of boxes) b.hiddenBottom = bottomHidden(b, boxes);

  // Only whole, unoccluded objects fix the camera: a box cut at the side may have lost its top too.
  const floorBoxes = boxes.filter((b) => b.prior?.support === "floor" && b.prior.heightM && !b.hiddenBottom && !b.clip.top && !b.clip.bottom);
  const observations: FloorObservation[] = floorBoxes.map((b) => ({ topRow: b.top, bottomRow: b.bottom, heightM: b.prior!.heightM!, depthExtentM: b.prior!.depthExtentM ?? 0, sigma: b.prior!.sigma }));
  const fit = fitGroundCamera(observations, k);
  const cam: GroundCamera = { heightM: fit.heightM, pitchRad: fit.pitchRad };
  const horizon = horizonRow(k, cam);
  // How far to trust the fitted camera: fixed by several agreeing objects, by one, or by nothing.
  const n = fit.inliers.length;
  const trust: CameraTrust = { heightSigma: n >= 2 ? 0.08 : n === 1 ? 0.2 : 0.35, horizonSigmaPx: H * (n >= 2 ? 0.02 : n === 1 ? 0.08 : 0.15) };

  const forward = new Map<number, number>();
  for (const b of boxes) {
    const cues = [...contactCues(b, boxes, k, cam, trust), ...sizeCues(b, k, cam, horizon), ...topCues(b, k, cam, trust)].filter((c) => c.sigma <= MAX_CUE_SIGMA);
    if (cues.length === 0) continue;
    let sum = 0, weight = 0;
    for (const c of cues) { sum += Math.log(c.forwardM) / c.sigma ** 2; weight += 1 / c.sigma ** 2; }
    forward.set(b.i, Math.min(Math.exp(sum / weight), farthestFromVisiblePart(b, k, cam, horizon)));
  }

  const objectDepthsM = detections.map((): number | null => null);
  const contactDepths: number[] = [];
  for (const b of boxes) {
    const d = forward.get(b.i);
    if (d === undefined) continue;
    objectDepthsM[b.i] = verticalPlaneDepthAtRow((b.top + b.bottom) / 2, d, k, cam);
    if (b.prior?.support === "floor") contactDepths.push(verticalPlaneDepthAtRow(b.bottom, d, k, cam));
  }
  // A floor drawn from the default camera would be a guess about the whole lower half of the image.
  // Near the horizon one row spans metres of floor: rows whose depth is uncertain by more than
  // FLOOR_MAX_SIGMA are left out too.
  const maxFloorDepthM = fit.inliers.length === 0 ? 0 : options.maxFloorDepthM ?? Math.max(3, 1.5 * Math.max(...contactDepths));
  const floorFromRow = horizon + Math.hypot(trust.horizonSigmaPx, 1.5) / FLOOR_MAX_SIGMA;
  const depth = rasterise(W, H, k, cam, boxes, forward, maxFloorDepthM, floorFromRow);
  return {
    depth, source: "priors", estimate: true,
    cameraHeightM: cam.heightM, pitchRad: cam.pitchRad, horizonRow: horizon,
    cameraFrom: fit.inliers.length > 0 ? "objects" : "defaults",
    objectDepthsM,
    usedObjects: fit.inliers.map((j) => floorBoxes[j].i),
  };
}

function rasterise(W: number, H: number, k: Intrinsics, cam: GroundCamera, boxes: Box[], forward: Map<number, number>, maxFloorDepthM: number, floorFromRow: number): DepthImage {
  const data = new Float32Array(W * H);
  for (let v = Math.max(0, Math.ceil(floorFromRow)); v < H; v++) {
    const z = floorDepthAtRow(v, k, cam);
    if (z <= maxFloorDepthM) data.fill(z, v * W, (v + 1) * W);
  }
  // Every detected box hides the floor; one without a distance stays empty ("no reading").
  const objectZ = new Float32Array(W * H).fill(Infinity);
  for (const b of boxes) {
    const d = forward.get(b.i);
    if (d === undefined) {
      for (let v = Math.max(0, Math.ceil(b.top)); v <= Math.min(H - 1, Math.floor(b.bottom)); v++) {
        for (let o = v * W + Math.floor(b.x1); o < v * W + Math.ceil(b.x2); o++) if (objectZ[o] === Infinity) objectZ[o] = NaN;
      }
      continue;
    }
    const p = b.prior;
    const topFace = p?.support === "floor" && p.heightM !== undefined && cam.heightM > p.heightM;
    const x1 = Math.floor(b.x1), x2 = Math.ceil(b.x2);
    for (let v = Math.max(0, Math.ceil(b.top)); v <= Math.min(H - 1, Math.floor(b.bottom)); v++) {
      let z = verticalPlaneDepthAtRow(v, d, k, cam);
      if (topFace) {
        // Above the front face's top edge the camera sees the top face, up to the back edge.
        const yn = (v - k.cy) / k.fy;
        const elevation = cam.heightM - z * (yn * Math.cos(cam.pitchRad) + Math.sin(cam.pitchRad));
        if (elevation > p!.heightM!) z = Math.min(floorDepthAtRow(v, k, cam, p!.heightM), verticalPlaneDepthAtRow(v, d + (p!.depthExtentM ?? 0), k, cam));
      }
      if (!Number.isFinite(z)) continue;
      for (let u = x1, o = v * W + x1; u < x2; u++, o++) if (!(z >= objectZ[o])) objectZ[o] = z;
    }
  }
  for (let i = 0; i < data.length; i++) {
    const z = objectZ[i];
    if (z < Infinity) data[i] = z;
    else if (Number.isNaN(z)) data[i] = 0;
  }
  return { width: W, height: H, data, unitsPerMetre: 1 };
}
