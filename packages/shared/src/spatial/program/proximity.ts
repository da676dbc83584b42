// Contact and proximity relations between two objects, in the graph's world frame (z up, metres),
// with the thresholds a person would use. Gaps are between the fitted solids (measurements.ts), so
// a big sofa "near" a lamp is judged by the space between them, not by their centres.
// - on(A, B): A's bottom within max(5 cm, 10% of B's height) of B's top, and A's centre over B's
//   footprint grown by 5 cm (a cup on a table, a box on a box).
// - under(A, B): A's centre under B's footprint grown by half of A's own width (a bag under a table,
//   partly sticking out), and either B's bottom at or above A's top (5 cm tolerance; a cup under a
//   shelf) or A standing at B's bottom with its top at least 25% of B's height below B's top (a
//   table's box reaches the floor: what is under it sits inside that box).
// - near(A, B): gap ≤ max(50 cm, half the larger object's largest horizontal side).
// - next_to / beside(A, B): gap ≤ max(30 cm, a quarter of the larger object's largest horizontal
//   side), and side by side: their vertical extents overlap (a cup on a table is on it, not next to it).
// - within(A, B, d): gap ≤ d.
// - between(O; A, B): on the floor plane, O's centre projects onto the segment A–B strictly inside
//   it (10% to 90% of the way) and lies off that line by at most half the segment's length.
// - left / right / above / below / behind / in_front: relations.ts (null, too close to call, is false).
import type { Relation } from "../families.js";
import { measure } from "../measurements.js";
import { relationHolds } from "../relations.js";
import type { SceneGraph, SceneObject } from "../scene-graph.js";
import type { FilterRelation } from "./schema.js";

const ON_TOLERANCE_M = 0.05;
const ON_TOLERANCE_SHARE = 0.1;
const FOOTPRINT_MARGIN_M = 0.05;
/** "Under a table": A's top at least this share of B's height below B's top. */
const UNDER_DEPTH_SHARE = 0.25;
const NEAR_M = 0.5;
const NEAR_SHARE = 0.5;
const NEXT_TO_M = 0.3;
const NEXT_TO_SHARE = 0.25;

export const bottomM = (o: SceneObject) => o.box.center[2] - o.box.heightM / 2;
export const topM = (o: SceneObject) => o.box.center[2] + o.box.heightM / 2;
const largestSideM = (o: SceneObject) => Math.max(o.box.widthM, o.box.lengthM);

/** Gap between the two solids, metres (0 when they touch). */
export function gapM(graph: SceneGraph, a: SceneObject, b: SceneObject): number {
  const m = measure(graph, "gap", a, b);
  return "valueM" in m ? m.valueM : Infinity;
}

/** True when the floor point (x, y) lies over `o`'s footprint grown by `marginM`. */
export function overFootprint(o: SceneObject, x: number, y: number, marginM: number): boolean {
  const dx = x - o.box.center[0], dy = y - o.box.center[1];
  if ((o.shape ?? "box") !== "box") return Math.hypot(dx, dy) <= o.box.widthM / 2 + marginM;
  const c = Math.cos(o.box.yawRad), s = Math.sin(o.box.yawRad);
  const along = dx * c + dy * s, across = -dx * s + dy * c;
  return Math.abs(along) <= o.box.widthM / 2 + marginM && Math.abs(across) <= o.box.lengthM / 2 + marginM;
}

export function isOn(a: SceneObject, b: SceneObject): boolean {
  const tolerance = Math.max(ON_TOLERANCE_M, ON_TOLERANCE_SHARE * b.box.heightM);
  return Math.abs(bottomM(a) - topM(b)) <= tolerance && overFootprint(b, a.box.center[0], a.box.center[1], FOOTPRINT_MARGIN_M);
}

export function isUnder(a: SceneObject, b: SceneObject): boolean {
  if (!overFootprint(b, a.box.center[0], a.box.center[1], a.box.widthM / 2)) return false;
  // Below B altogether (a cup under a shelf), or in the lower part of B's box: a table's or desk's
  // box reaches the floor, and what is under it sits inside that box, well below its top.
  return bottomM(b) >= topM(a) - ON_TOLERANCE_M || (topM(a) <= topM(b) - UNDER_DEPTH_SHARE * b.box.heightM && bottomM(a) < bottomM(b) + ON_TOLERANCE_M);
}

export function isNear(graph: SceneGraph, a: SceneObject, b: SceneObject): boolean {
  return gapM(graph, a, b) <= Math.max(NEAR_M, NEAR_SHARE * Math.max(largestSideM(a), largestSideM(b)));
}

export function isNextTo(graph: SceneGraph, a: SceneObject, b: SceneObject): boolean {
  const sideBySide = Math.min(topM(a), topM(b)) - Math.max(bottomM(a), bottomM(b)) > 0;
  return sideBySide && gapM(graph, a, b) <= Math.max(NEXT_TO_M, NEXT_TO_SHARE * Math.max(largestSideM(a), largestSideM(b)));
}

export function isBetween(o: SceneObject, a: SceneObject, b: SceneObject): boolean {
  const [ax, ay] = a.box.center, [bx, by] = b.box.center, [ox, oy] = o.box.center;
  const dx = bx - ax, dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  if (lengthSq === 0) return false;
  const t = ((ox - ax) * dx + (oy - ay) * dy) / lengthSq;
  const offM = Math.abs((ox - ax) * dy - (oy - ay) * dx) / Math.sqrt(lengthSq);
  return t > 0.1 && t < 0.9 && offM <= 0.5 * Math.sqrt(lengthSq);
}

/** Whether `relation` holds from `a` to `b`; `distanceM` is the bound of `within`. */
export function holds(graph: SceneGraph, relation: FilterRelation, a: SceneObject, b: SceneObject, distanceM?: number): boolean {
  switch (relation) {
    case "on": return isOn(a, b);
    case "under": return isUnder(a, b);
    case "near": return isNear(graph, a, b);
    case "next_to": return isNextTo(graph, a, b);
    case "within":
      if (distanceM === undefined) throw new RangeError("within needs a distance bound");
      return gapM(graph, a, b) <= distanceM;
    default: return relationHolds(graph, relation as Relation, a, b) === true;
  }
}

/** The words of a relation in a sentence: "on", "next to", "within 2 meters of", "to the left of". */
export function relationPhrase(relation: FilterRelation, distanceText?: string): string {
  switch (relation) {
    case "on": return "on";
    case "under": return "under";
    case "near": return "near";
    case "next_to": return "next to";
    case "within": return `within ${distanceText ?? "the given distance"} of`;
    case "left": return "to the left of";
    case "right": return "to the right of";
    case "above": return "above";
    case "below": return "below";
    case "behind": return "behind";
    case "in_front": return "in front of";
  }
}
