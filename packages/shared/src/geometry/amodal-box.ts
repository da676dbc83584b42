// Whole-object (amodal) upright boxes from one view. Frame: world (z up, metres, support plane z = 0).
//
// Depth points cover only the surface facing the camera, so a box fitted to them stops there: its
// centre sits on the near face, a car seen end-on is a metre deep, a box seen face-on is a sheet,
// and the part near the ground that the camera cannot see (wheels behind a kerb, feet in shadow,
// lidar rows that miss the bumper) is cut off. A person reading a photo completes the object from
// what such things measure; so do we, and say per dimension how:
// - height: an object of a class that rests on the ground reaches down to the support plane when
//   its lowest visible point is in its lower half (or its bottom is out of sight) — `ground_contact`;
// - the horizontal extent along the line of sight (the one the camera cannot see past the visible
//   face) is completed to the class's typical size when the points show markedly less of it —
//   `completed_from_priors` — and never past the free space the depth map shows behind the object;
//   which typical side (width or length) goes along the line of sight follows from the visible
//   face: the side across the view is measured, and the prior side that matches it is that one;
// - the horizontal extent across the view of an object cut by the left or right image border (the
//   rest of it is outside the picture) is completed to the class's typical size, growing out of
//   the picture — `completed_from_priors`; a chair cut to a 6 cm sliver is still a chair;
// - round objects keep their circle or sphere fits (a half shell already gives the full radius).

import type { UprightBox, Vec3 } from "./types.js";

export type ExtentSource = "measured" | "completed_from_priors" | "ground_contact";
export interface ExtentSources { width: ExtentSource; length: ExtentSource; height: ExtentSource }

/** What a class of objects typically measures (whole object); `widthM` ≤ `lengthM`. */
export interface ObjectSizePrior {
  widthM: number;
  lengthM: number;
  heightM: number;
  /** Stands on the ground or the floor (cars, people, furniture), so its box reaches down to it. */
  restsOnGround: boolean;
}

export interface CompletionContext {
  /** The camera centre in the world frame. */
  cameraWorld: Vec3;
  /** A support plane was found (z = 0 is the ground); without one, no ground contact. */
  groundKnown: boolean;
  /** The object's lowest part is out of sight (its 2D box touches the image's bottom edge, or a nearer object covers it). */
  bottomHidden: boolean;
  /** Horizontal distance from the camera up to which space behind the object is seen free (Infinity: unbounded). */
  freeSpaceToM: number;
  /** Elevation of the object's top as its 2D box's top edge shows it at the object's distance (lidar misses dark glass, roofs). */
  topM?: number;
  /**
   * The object's 2D box touches the image's left or right edge: the ground-plane unit direction
   * (world x, y) towards that edge, in which the object goes on out of the picture.
   */
  cutTowardWorld?: readonly [number, number];
}

export interface CompletedBox {
  box: UprightBox;
  extentSource: ExtentSources;
}

/** A visible extent below this share of the typical one counts as not seeing all of it. */
const SEEN_SHARE = 0.8;
/** Depth relief below this (metres, or share of the typical width) is a sheet: no visible face orientation to read. */
const SHEET_M = 0.03;
const SHEET_SHARE = 0.1;

/** The whole-object box from the visible one; see the file comment. `shape` "rectangle" boxes get horizontal completion. */
export function completeUprightBox(visible: UprightBox, shape: "rectangle" | "circle" | "sphere", prior: ObjectSizePrior, ctx: CompletionContext): CompletedBox {
  const completed = completeVisible(visible, shape, prior, ctx);
  return shape === "rectangle" && ctx.cutTowardWorld ? completeCutSide(completed, prior, ctx.cutTowardWorld) : completed;
}

/**
 * An object cut by the image border: its side along the cut direction (the box axis nearer to it)
 * grows to the typical side the other one does not match, out of the picture. The side the picture
 * shows in full stays as it is.
 */
export function completeCutSide({ box, extentSource }: CompletedBox, prior: ObjectSizePrior, cut: readonly [number, number]): CompletedBox {
  const c = Math.cos(box.yawRad), s = Math.sin(box.yawRad);
  const alongWidth = c * cut[0] + s * cut[1], alongLength = -s * cut[0] + c * cut[1];
  const cutIsWidth = Math.abs(alongWidth) >= Math.abs(alongLength);
  const [cutSide, other] = cutIsWidth ? [box.widthM, box.lengthM] : [box.lengthM, box.widthM];
  const otherIsShort = Math.abs(Math.log(Math.max(other, 1e-3) / prior.widthM)) <= Math.abs(Math.log(Math.max(other, 1e-3) / prior.lengthM));
  const typical = otherIsShort ? prior.lengthM : prior.widthM;
  if (cutSide >= SEEN_SHARE * typical) return { box, extentSource };
  const axis: [number, number] = cutIsWidth ? [c, s] : [-s, c];
  const shift = (Math.sign(cutIsWidth ? alongWidth : alongLength) * (typical - cutSide)) / 2;
  return {
    box: { ...box, center: [box.center[0] + axis[0] * shift, box.center[1] + axis[1] * shift, box.center[2]], ...(cutIsWidth ? { widthM: typical } : { lengthM: typical }) },
    extentSource: { ...extentSource, [cutIsWidth ? "width" : "length"]: "completed_from_priors" },
  };
}

function completeVisible(visible: UprightBox, shape: "rectangle" | "circle" | "sphere", prior: ObjectSizePrior, ctx: CompletionContext): CompletedBox {
  const source: ExtentSources = { width: "measured", length: "measured", height: "measured" };
  let z0 = visible.center[2] - visible.heightM / 2;
  let z1 = visible.center[2] + visible.heightM / 2;
  if (ctx.topM !== undefined && ctx.topM > z1) z1 = ctx.topM;
  if (prior.restsOnGround && ctx.groundKnown && shape !== "sphere" && z0 > 0.02) {
    const lowerHalf = z0 < 0.5 * Math.max(prior.heightM, z1);
    if (lowerHalf || ctx.bottomHidden) { z0 = 0; source.height = "ground_contact"; }
  }
  let box: UprightBox = { ...visible, center: [visible.center[0], visible.center[1], (z0 + z1) / 2], heightM: z1 - z0 };
  if (shape !== "rectangle") return { box, extentSource: source };

  // Line of sight in the ground plane, and the box's two horizontal axes.
  let sx = visible.center[0] - ctx.cameraWorld[0], sy = visible.center[1] - ctx.cameraWorld[1];
  const range = Math.hypot(sx, sy);
  if (!(range > 1e-6)) return { box, extentSource: source };
  sx /= range; sy /= range;
  const c = Math.cos(visible.yawRad), s = Math.sin(visible.yawRad);
  const alongWidth = Math.abs(c * sx + s * sy), alongLength = Math.abs(-s * sx + c * sy);
  const depthIsLength = alongLength >= alongWidth;
  const across = depthIsLength ? visible.widthM : visible.lengthM;
  const depth = depthIsLength ? visible.lengthM : visible.widthM;
  const nearFaceM = range - depth / 2; // distance to the near face along the line of sight

  if (depth < Math.max(SHEET_M, SHEET_SHARE * prior.widthM)) {
    // A sheet facing the camera (a depth map with no relief on the object, e.g. priors depth):
    // no face orientation to read, but the apparent width is the footprint's projection, which
    // fixes the turn of the typical footprint against the line of sight.
    const turned = turnedFootprint(prior, across);
    const completed = Math.max(depth, Math.min(turned.depthM, ctx.freeSpaceToM - nearFaceM));
    const centerRange = nearFaceM + completed / 2;
    const facing = Math.atan2(sy, sx) + Math.PI / 2; // the direction across the line of sight
    if (completed < turned.depthM || turned.turnRad === 0) {
      // Face-on (the face is no wider than the typical short side), or something seen right
      // behind leaves no room for the turned footprint: the face as seen, as deep as the typical
      // footprint or the free space allow.
      const folded = foldYaw(facing, across, completed);
      box = { ...box, center: [ctx.cameraWorld[0] + sx * centerRange, ctx.cameraWorld[1] + sy * centerRange, box.center[2]], widthM: folded.widthM, lengthM: folded.lengthM, yawRad: folded.yawRad };
      const depthSide = folded.widthM === across && folded.lengthM === completed ? "length" : "width";
      return { box, extentSource: { ...source, [depthSide]: "completed_from_priors" } };
    }
    const folded = manhattanTurn(facing, turned.turnRad, prior);
    box = { ...box, center: [ctx.cameraWorld[0] + sx * centerRange, ctx.cameraWorld[1] + sy * centerRange, box.center[2]], widthM: folded.widthM, lengthM: folded.lengthM, yawRad: folded.yawRad };
    return { box, extentSource: { ...source, width: "completed_from_priors", length: "completed_from_priors" } };
  }

  // The typical side that matches the measured one across the view is that one; the other is the depth.
  const acrossIsShort = Math.abs(Math.log(Math.max(across, 1e-3) / prior.widthM)) <= Math.abs(Math.log(Math.max(across, 1e-3) / prior.lengthM));
  const typicalDepth = acrossIsShort ? prior.lengthM : prior.widthM;
  if (depth >= SEEN_SHARE * typicalDepth) return { box, extentSource: source };

  // Grow away from the camera, from the near face, up to the free space seen behind the object.
  const axis: [number, number] = depthIsLength ? [-s, c] : [c, s];
  const away = axis[0] * sx + axis[1] * sy >= 0 ? 1 : -1;
  const completed = Math.max(depth, Math.min(typicalDepth, ctx.freeSpaceToM - nearFaceM));
  if (!(completed > depth)) return { box, extentSource: source };
  const shift = (away * (completed - depth)) / 2;
  box = {
    ...box,
    center: [box.center[0] + axis[0] * shift, box.center[1] + axis[1] * shift, box.center[2]],
    ...(depthIsLength ? { lengthM: completed } : { widthM: completed }),
  };
  source[depthIsLength ? "length" : "width"] = "completed_from_priors";
  return { box, extentSource: source };
}

/**
 * The turn θ of a w × l footprint (w ≤ l) from facing the camera with its w side whose projection
 * across the line of sight, w cos θ + l sin θ, is the apparent width; and its extent along the line
 * of sight then, w sin θ + l cos θ. The smallest such θ (an apparent width beyond the footprint's
 * diagonal means side-on at most).
 */
export function turnedFootprint(prior: Pick<ObjectSizePrior, "widthM" | "lengthM">, apparentWidthM: number): { turnRad: number; depthM: number } {
  const { widthM: w, lengthM: l } = prior;
  const across = (t: number) => w * Math.cos(t) + l * Math.sin(t);
  const peak = Math.atan2(l, w);
  let turnRad: number;
  if (apparentWidthM <= w) turnRad = 0;
  else if (apparentWidthM >= across(peak)) turnRad = peak;
  else {
    let lo = 0, hi = peak;
    for (let i = 0; i < 40; i++) { const mid = (lo + hi) / 2; if (across(mid) < apparentWidthM) lo = mid; else hi = mid; }
    turnRad = (lo + hi) / 2;
  }
  return { turnRad, depthM: w * Math.sin(turnRad) + l * Math.cos(turnRad) };
}

/**
 * The apparent width fixes how far the footprint is turned from facing the camera, not which way.
 * Streets and rooms are laid out along two axes (cars along the road, furniture along the walls)
 * and the world frame's y is the camera's forward direction, so of the two turns we take the one
 * that leaves the footprint closer to the world axes.
 */
function manhattanTurn(facingRad: number, turnRad: number, prior: Pick<ObjectSizePrior, "widthM" | "lengthM">): { yawRad: number; widthM: number; lengthM: number } {
  const plus = foldYaw(facingRad + turnRad, prior.widthM, prior.lengthM), minus = foldYaw(facingRad - turnRad, prior.widthM, prior.lengthM);
  return Math.abs(minus.yawRad) < Math.abs(plus.yawRad) ? minus : plus;
}

/** An UprightBox's yaw and sides for a footprint whose w side runs at `yawRad`: the side within 45° of world x is the width. */
function foldYaw(yawRad: number, sideAlongYawM: number, otherSideM: number): { yawRad: number; widthM: number; lengthM: number } {
  let yaw = yawRad, widthM = sideAlongYawM, lengthM = otherSideM;
  while (yaw > Math.PI / 2) yaw -= Math.PI;
  while (yaw <= -Math.PI / 2) yaw += Math.PI;
  if (yaw > Math.PI / 4 || yaw <= -Math.PI / 4) { yaw += yaw > 0 ? -Math.PI / 2 : Math.PI / 2; [widthM, lengthM] = [lengthM, widthM]; }
  return { yawRad: yaw, widthM, lengthM };
}

export interface PriorPlacement {
  /** A point on the object's near face seen through the 2D box centre, world frame. */
  nearPointWorld: Vec3;
  /** The 2D box's width in metres at the object's depth: which typical side faces the camera. */
  apparentWidthM: number;
  cameraWorld: Vec3;
  groundKnown: boolean;
}

/**
 * A box for an object whose depth gave too few points for a shape but a trustworthy distance (a
 * far car with a handful of lidar returns): the class's typical box, turned so that its projection
 * across the line of sight is the 2D box's metric width (`turnedFootprint`), its near face at the
 * measured point, resting on the ground when the class does and the ground is known.
 */
export function boxFromPrior(prior: ObjectSizePrior, p: PriorPlacement): CompletedBox {
  let sx = p.nearPointWorld[0] - p.cameraWorld[0], sy = p.nearPointWorld[1] - p.cameraWorld[1];
  const range = Math.hypot(sx, sy) || 1;
  sx /= range; sy /= range;
  const turned = turnedFootprint(prior, p.apparentWidthM);
  const cx = p.nearPointWorld[0] + (sx * turned.depthM) / 2, cy = p.nearPointWorld[1] + (sy * turned.depthM) / 2;
  const onGround = prior.restsOnGround && p.groundKnown;
  const cz = onGround ? prior.heightM / 2 : p.nearPointWorld[2];
  const folded = manhattanTurn(Math.atan2(sy, sx) + Math.PI / 2, turned.turnRad, prior);
  return {
    box: { center: [cx, cy, cz], widthM: folded.widthM, lengthM: folded.lengthM, heightM: prior.heightM, yawRad: folded.yawRad },
    extentSource: { width: "completed_from_priors", length: "completed_from_priors", height: "completed_from_priors" },
  };
}
