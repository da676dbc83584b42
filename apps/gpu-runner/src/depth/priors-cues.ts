// Distance cues for one detected object under a fitted floor camera, for the `priors` depth source
// (priors-depth.ts). Frame: OpenCV camera; a cue is a forward distance along the floor to the
// object's front (metres) with its spread as a standard deviation of ln(distance).
import type { Intrinsics } from "@spatial/shared/geometry";
import { floorDepthAtRow, forwardDistance, horizonRow, type GroundCamera } from "./ground-plane.js";
import type { SizePrior } from "./size-priors.js";

/** A detection as the cues see it: rows in pixel-centre coordinates. */
export interface Box {
  i: number;
  prior?: SizePrior;
  x1: number;
  x2: number;
  top: number;
  bottom: number;
  /** Edges cut by the frame. */
  clip: { top: boolean; bottom: boolean; left: boolean; right: boolean };
  /** Its bottom edge is probably behind a nearer object: neither a floor contact nor a full height. */
  hiddenBottom: boolean;
}
export interface Cue { forwardM: number; sigma: number }
export interface CameraTrust { heightSigma: number; horizonSigmaPx: number }

/** Where the object touches what it stands on: the floor, or a detected table/bed/seat under it. */
export function contactCues(b: Box, boxes: Box[], k: Intrinsics, cam: GroundCamera, trust: CameraTrust): Cue[] {
  if (b.clip.bottom || b.hiddenBottom) return [];
  const onFloor = b.prior?.support === "floor";
  if (!onFloor) {
    const cx = (b.x1 + b.x2) / 2;
    const support = boxes
      .filter((s) => s !== b && s.prior?.surfaceHeightM && cx >= s.x1 && cx <= s.x2 && b.bottom >= s.top && b.bottom <= s.bottom)
      .sort((p, q) => (p.x2 - p.x1) * (p.bottom - p.top) - (q.x2 - q.x1) * (q.bottom - q.top))[0];
    if (support) {
      const surfaceM = support.prior!.surfaceHeightM!;
      return planeCue(b.bottom, surfaceM, 0.1 * surfaceM, 0, k, cam, trust);
    }
  }
  // Not known to stand on the floor: it may be on something undetected, so the floor is a weak guess.
  return planeCue(b.bottom, 0, 0, onFloor ? 0 : 0.4, k, cam, trust);
}

/**
 * For a floor object whose bottom is out of sight: its top edge, H above the floor, on the fitted
 * camera. The highest point of a thing the camera looks down on is its back top edge, L behind its front.
 */
export function topCues(b: Box, k: Intrinsics, cam: GroundCamera, trust: CameraTrust): Cue[] {
  const p = b.prior;
  if (p?.support !== "floor" || !p.heightM || !(b.clip.bottom || b.hiddenBottom) || b.clip.top) return [];
  return planeCue(b.top, p.heightM, p.sigma * p.heightM, 0, k, cam, trust)
    .map((c) => ({ ...c, forwardM: c.forwardM - (p.depthExtentM ?? 0) }))
    .filter((c) => c.forwardM > 0);
}

/**
 * The point seen at `row` lies on the horizontal plane `planeM` (± planeSigmaM) above the floor.
 * Its spread: the camera height's, the plane height's (both relative to the camera's drop to the
 * plane, which is small for a tall object's top), and the horizon's and the box edge's in rows
 * (relative to the rows below the horizon: near the horizon, a row is a long way).
 */
function planeCue(row: number, planeM: number, planeSigmaM: number, extraSigma: number, k: Intrinsics, cam: GroundCamera, trust: CameraTrust): Cue[] {
  const z = floorDepthAtRow(row, k, cam, planeM);
  if (!Number.isFinite(z)) return [];
  const drop = cam.heightM - planeM, below = row - horizonRow(k, cam);
  const sigma = Math.hypot(Math.hypot(trust.heightSigma * cam.heightM, planeSigmaM) / drop, Math.hypot(trust.horizonSigmaPx, 1.5) / below, extraSigma);
  return [{ forwardM: forwardDistance(row, z, k, cam), sigma }];
}

/** Distance from the prior's height (and width) against the box, for the camera's pitch. */
export function sizeCues(b: Box, k: Intrinsics, cam: GroundCamera, horizon: number): Cue[] {
  const p = b.prior;
  if (!p) return [];
  const cues: Cue[] = [];
  const centreRow = (b.top + b.bottom) / 2;
  if (p.heightM && !b.clip.top && !b.clip.bottom && !b.hiddenBottom) {
    cues.push({ forwardM: heightDistance(b, p.heightM, k, cam, horizon), sigma: Math.hypot(p.sigma, 0.05) });
  }
  if (p.widthM && !b.clip.left && !b.clip.right) {
    const z = (k.fx * p.widthM) / (b.x2 - b.x1);
    cues.push({ forwardM: forwardDistance(centreRow, z, k, cam), sigma: Math.hypot(p.sigma, 0.05) });
  }
  return cues.filter((c) => c.forwardM > 0 && Number.isFinite(c.forwardM));
}

/** Forward distance at which an object `heightM` tall spans the box's rows, for the camera's pitch. */
function heightDistance(b: Box, heightM: number, k: Intrinsics, cam: GroundCamera, horizon: number): number {
  const centreRow = (b.top + b.bottom) / 2;
  const beta = Math.atan((centreRow - k.cy) / k.fy);
  // An upright segment H tall seen at angle φ below the horizontal spans H cos φ across the line of
  // sight; a top face L deep that the camera looks down on adds L sin φ.
  const phi = cam.pitchRad + beta;
  const spanM = heightM * Math.cos(phi) + (b.top > horizon ? (b.prior?.depthExtentM ?? 0) * Math.max(0, Math.sin(phi)) : 0);
  const z = (k.fy * spanM) / ((b.bottom - b.top) * Math.cos(beta));
  return forwardDistance(centreRow, z, k, cam);
}

/**
 * An object whose bottom is hidden or cut off is at least as tall in the image as the part we see,
 * so it is at most as far as its prior height (one spread taller) would put that part. Infinity
 * when nothing bounds it.
 */
export function farthestFromVisiblePart(b: Box, k: Intrinsics, cam: GroundCamera, horizon: number): number {
  const p = b.prior;
  if (!p?.heightM || b.clip.top || !(b.clip.bottom || b.hiddenBottom)) return Infinity;
  const d = heightDistance(b, p.heightM * Math.exp(p.sigma), k, cam, horizon);
  return d > 0 ? d : Infinity;
}

/**
 * Whether a nearer object (one whose box reaches lower in the image) covers most of this box's bottom
 * edge. A cup's bottom inside a table's box is not hidden: the table is what it stands on.
 */
export function bottomHidden(b: Box, boxes: Box[]): boolean {
  return boxes.some((o) => {
    // Clearly nearer: boxes whose bottoms are within a tenth of this one's height stand about as far.
    // Covering: its top edge above this bottom edge, or right at it (the visible part ends there).
    if (o === b || !(o.bottom > b.bottom + Math.max(1, 0.1 * (b.bottom - b.top)) && o.top < b.bottom + 2)) return false;
    if (b.prior?.support !== "floor" && o.prior?.surfaceHeightM) return false;
    const overlap = Math.min(b.x2, o.x2) - Math.max(b.x1, o.x1);
    return overlap > 0.5 * (b.x2 - b.x1);
  });
}
