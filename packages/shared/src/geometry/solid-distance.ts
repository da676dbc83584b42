// Closest distance between two upright solids in the world frame (z up, metres): boxes, vertical
// cylinders and spheres, each described by its `UprightBox` (a cylinder's or sphere's radius is
// half its width). Round objects need their own shape here: the gap between two bins measured
// between their bounding squares depends on how the squares happen to be turned.
import { uprightBoxDistance } from "./boxes.js";
import type { UprightBox, Vec3 } from "./types.js";

export const SolidShapes = ["box", "cylinder", "sphere"] as const;
export type SolidShape = (typeof SolidShapes)[number];

export interface UprightSolid {
  shape: SolidShape;
  box: UprightBox;
}

const radiusOf = (box: UprightBox) => box.widthM / 2;

/** 2D distance from a point to a solid's footprint (rectangle or disc); 0 inside. */
function pointFootprintDistance(x: number, y: number, solid: UprightSolid): number {
  const { box } = solid;
  const dx = x - box.center[0], dy = y - box.center[1];
  if (solid.shape !== "box") return Math.max(0, Math.hypot(dx, dy) - radiusOf(box));
  const c = Math.cos(box.yawRad), s = Math.sin(box.yawRad);
  const u = Math.abs(dx * c + dy * s) - box.widthM / 2, v = Math.abs(-dx * s + dy * c) - box.lengthM / 2;
  return Math.hypot(Math.max(0, u), Math.max(0, v));
}

/** 2D distance between two footprints; 0 when they overlap. */
function footprintDistance(a: UprightSolid, b: UprightSolid): number {
  if (a.shape === "box" && b.shape === "box") {
    const flat = (box: UprightBox): UprightBox => ({ ...box, center: [box.center[0], box.center[1], 0], heightM: 0 });
    return uprightBoxDistance(flat(a.box), flat(b.box));
  }
  // A disc's distance to anything is its centre's distance minus its radius.
  const [disc, other] = a.shape !== "box" ? [a, b] : [b, a];
  return Math.max(0, pointFootprintDistance(disc.box.center[0], disc.box.center[1], other) - radiusOf(disc.box));
}

function intervalGap(a: UprightBox, b: UprightBox): number {
  return Math.max(0, Math.max(a.center[2] - a.heightM / 2, b.center[2] - b.heightM / 2) - Math.min(a.center[2] + a.heightM / 2, b.center[2] + b.heightM / 2));
}

/** Distance from a point to a solid (0 inside). */
export function pointSolidDistance(p: Vec3, solid: UprightSolid): number {
  const { box } = solid;
  if (solid.shape === "sphere") return Math.max(0, Math.hypot(p[0] - box.center[0], p[1] - box.center[1], p[2] - box.center[2]) - radiusOf(box));
  const vertical = Math.max(0, Math.abs(p[2] - box.center[2]) - box.heightM / 2);
  return Math.hypot(pointFootprintDistance(p[0], p[1], solid), vertical);
}

/**
 * Closest distance between two solids, 0 when they touch or overlap. Prisms (boxes, cylinders)
 * split exactly into a horizontal and a vertical term (see `uprightBoxDistance`); a sphere is its
 * centre's distance to the other solid minus its radius.
 */
export function solidDistance(a: UprightSolid, b: UprightSolid): number {
  if (a.shape === "sphere" || b.shape === "sphere") {
    const [ball, other] = a.shape === "sphere" ? [a, b] : [b, a];
    return Math.max(0, pointSolidDistance(ball.box.center, other) - radiusOf(ball.box));
  }
  return Math.hypot(footprintDistance(a, b), intervalGap(a.box, b.box));
}
