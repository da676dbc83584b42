// A camera above a flat floor, and the fit of its height and pitch to objects of known size.
//
// Frames: OpenCV camera (x right, y down, z forward), metres. The camera stands `heightM` above the
// floor with no roll and pitch θ (`pitchRad` > 0 looks down). A point `forwardM` ahead along the floor
// (the camera's forward direction projected on it) and `elevationM` above the floor is, in the camera,
//   z = d cos θ − (Z − h) sin θ,   y = −d sin θ − (Z − h) cos θ.
// Pixel row v sees the floor at z depth h / (yn cos θ + sin θ), yn = (v − cy) / fy, below the
// horizon row cy − fy tan θ and nowhere above it.
//
// The fit (after Hoiem, Efros & Hebert, "Putting Objects in Perspective", 2006, without the
// small-angle approximation): for each object standing on the floor with a known height H (and
// extent L along the line of sight), its box's bottom row fixes how far away it stands for a given
// camera; its top row must then be where an object H tall, L deep would end. Grid search over
// (height, pitch) minimises the robust misfit of ln(predicted / observed pixel height) / sigma over
// all objects, plus a weak prior (1.5 m, level) that decides when the objects do not.
import type { Intrinsics } from "@spatial/shared/geometry";

export interface GroundCamera {
  heightM: number;
  pitchRad: number;
}

/** One object standing on the floor, as its 2D box shows it. */
export interface FloorObservation {
  /** Box top and bottom edges, as pixel-centre rows (a box [x1, y1, x2, y2] gives y1 − 0.5, y2 − 0.5). */
  topRow: number;
  bottomRow: number;
  heightM: number;
  depthExtentM: number;
  /** Spread of ln(height) of the class. */
  sigma: number;
}

export const DEFAULT_CAMERA: GroundCamera = { heightM: 1.5, pitchRad: 0 };
/** Weak prior on the camera: ln(height / 1.5 m) ~ N(0, 0.5²), pitch ~ N(0, (30°)²). */
const PRIOR_LN_HEIGHT_SD = 0.5;
const PRIOR_PITCH_SD = (30 * Math.PI) / 180;
/** Misfits beyond this many sigmas count as this many: one wrong object cannot drag the fit. */
const ROBUST_CAP = 2.5;

export function horizonRow(k: Intrinsics, cam: GroundCamera): number {
  return k.cy - k.fy * Math.tan(cam.pitchRad);
}

/** z depth of the floor seen at pixel row v (any column); Infinity at and above the horizon. */
export function floorDepthAtRow(v: number, k: Intrinsics, cam: GroundCamera, surfaceHeightM = 0): number {
  const den = ((v - k.cy) / k.fy) * Math.cos(cam.pitchRad) + Math.sin(cam.pitchRad);
  const drop = cam.heightM - surfaceHeightM;
  return den > 0 && drop > 0 ? drop / den : Infinity;
}

/** Forward distance along the floor of the camera point seen at row v with z depth z. */
export function forwardDistance(v: number, z: number, k: Intrinsics, cam: GroundCamera): number {
  return z * (Math.cos(cam.pitchRad) - ((v - k.cy) / k.fy) * Math.sin(cam.pitchRad));
}

/** z depth at row v of the vertical plane facing the camera `forwardM` ahead. */
export function verticalPlaneDepthAtRow(v: number, forwardM: number, k: Intrinsics, cam: GroundCamera): number {
  const den = Math.cos(cam.pitchRad) - ((v - k.cy) / k.fy) * Math.sin(cam.pitchRad);
  return den > 0 ? forwardM / den : Infinity;
}

/** Pixel row of the point `forwardM` ahead and `elevationM` above the floor; NaN behind the camera. */
export function rowOf(forwardM: number, elevationM: number, k: Intrinsics, cam: GroundCamera): number {
  const dz = elevationM - cam.heightM, c = Math.cos(cam.pitchRad), s = Math.sin(cam.pitchRad);
  const z = forwardM * c - dz * s;
  return z > 1e-6 ? k.cy + (k.fy * (-forwardM * s - dz * c)) / z : NaN;
}

/** Misfit of one object under a camera, in sigmas (signed); null when the camera cannot explain it at all. */
export function floorMisfit(o: FloorObservation, k: Intrinsics, cam: GroundCamera): number | null {
  const z = floorDepthAtRow(o.bottomRow, k, cam);
  if (!Number.isFinite(z)) return null;
  const d = forwardDistance(o.bottomRow, z, k, cam);
  // The highest image point of the object: its front top edge, or its back top edge when the camera
  // looks down on its top face.
  const front = rowOf(d, o.heightM, k, cam), back = rowOf(d + o.depthExtentM, o.heightM, k, cam);
  const top = Math.min(Number.isNaN(front) ? Infinity : front, Number.isNaN(back) ? Infinity : back);
  const predicted = o.bottomRow - top, observed = o.bottomRow - o.topRow;
  if (!(predicted > 0 && observed > 0)) return null;
  return Math.log(predicted / observed) / o.sigma;
}

function cost(objects: readonly FloorObservation[], k: Intrinsics, cam: GroundCamera): number {
  let total = (Math.log(cam.heightM / DEFAULT_CAMERA.heightM) / PRIOR_LN_HEIGHT_SD) ** 2 + (cam.pitchRad / PRIOR_PITCH_SD) ** 2;
  for (const o of objects) {
    const e = floorMisfit(o, k, cam);
    total += e === null ? ROBUST_CAP ** 2 : Math.min(e * e, ROBUST_CAP ** 2);
  }
  return total;
}

export interface GroundFit extends GroundCamera {
  /** Objects whose misfit under the fitted camera is within the robust cap (the ones that agreed). */
  inliers: number[];
}

/**
 * Camera height and pitch that best explain the objects; the prior alone (1.5 m, level) when there
 * are none. A coarse grid (height 0.3–4 m, pitch −30°…+60°) then a finer one around the best cell:
 * a handful of objects makes this a few milliseconds, and no local minimum can trap it.
 */
export function fitGroundCamera(objects: readonly FloorObservation[], k: Intrinsics): GroundFit {
  if (objects.length === 0) return { ...DEFAULT_CAMERA, inliers: [] };
  const deg = Math.PI / 180;
  let best = { ...DEFAULT_CAMERA }, bestCost = cost(objects, k, best);
  const search = (lnH0: number, lnH1: number, p0: number, p1: number, steps: number) => {
    const c = { ...best }; // search around the current best, keep the incumbent unless beaten
    for (let i = 0; i <= steps; i++) {
      const heightM = Math.exp(lnH0 + ((lnH1 - lnH0) * i) / steps);
      for (let j = 0; j <= steps; j++) {
        const cam = { heightM, pitchRad: p0 + ((p1 - p0) * j) / steps };
        const value = cost(objects, k, cam);
        if (value < bestCost) { bestCost = value; c.heightM = cam.heightM; c.pitchRad = cam.pitchRad; }
      }
    }
    best = c;
  };
  search(Math.log(0.3), Math.log(4), -30 * deg, 60 * deg, 120);
  const lnStep = (Math.log(4) - Math.log(0.3)) / 120, pStep = (90 * deg) / 120;
  search(Math.log(best.heightM) - lnStep, Math.log(best.heightM) + lnStep, best.pitchRad - pStep, best.pitchRad + pStep, 20);
  const inliers = objects.flatMap((o, i) => {
    const e = floorMisfit(o, k, best);
    return e !== null && Math.abs(e) < ROBUST_CAP ? [i] : [];
  });
  return { ...best, inliers };
}
