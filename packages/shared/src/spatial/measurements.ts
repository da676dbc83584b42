// Quantitative measurements on a scene graph, in its world frame (z up, metres). Every one is taken
// on the WHOLE object's box (`SceneObject.box`: hidden back and ground contact completed, see
// geometry/amodal-box.ts), never on the visible extent alone (`visibleBox`): a car's distance is
// from its centre, not from the face the camera happens to see.
// - distance: Euclidean distance between the centres of the two upright boxes.
// - gap: closest distance between the two solids (box, vertical cylinder or sphere, as fitted; 0
//   when they touch or overlap); shapes rather than raw points so the edge can answer from a stored graph.
// - horizontal_distance: distance between the centres projected on the ground plane (x, y).
// - vertical_distance: |Δz| between the centres.
// - width / height: the box's width (horizontal side nearer the viewer's left-right axis) and its
//   vertical extent — never the x extent passed off as height (a bug of the open reproduction).
// - elevation: height of the object's bottom above the support plane (z = 0), 0 when it rests on
//   it. Needs a support plane: without one there is no floor to measure from.
// - direction: standing at A facing the viewer's forward direction (+y), the clock hour at which B
//   lies: 12 straight ahead, 3 to the right, 6 behind, 9 to the left (as SpatialRGPT-Bench asks).
import { solidDistance } from "../geometry/solid-distance.js";
import { SINGLE_OBJECT_FAMILIES, type QuantitativeFamily } from "./families.js";
import type { SceneGraph, SceneObject } from "./scene-graph.js";

export type Measurement =
  | { family: "direction"; clockHour: number; angleRad: number }
  | { family: Exclude<QuantitativeFamily, "direction">; valueM: number };

/** Thrown when a measurement cannot be made on this graph (e.g. elevation with no support plane). */
export class MeasurementUnavailableError extends Error {
  constructor(message: string, readonly code: "no_support_plane" | "missing_object") {
    super(message);
    this.name = "MeasurementUnavailableError";
  }
}

/** True when "up" is the camera's own up because no support plane was found. */
export function upIsAssumed(graph: SceneGraph): boolean {
  return !graph.frame.canonicalized;
}

/** Clock hour (1..12) of a horizontal direction given as (right, forward) components. */
export function clockHourOf(rightM: number, forwardM: number): number {
  const angleRad = Math.atan2(rightM, forwardM); // 0 ahead, +π/2 right
  const hour = Math.round(angleRad / (Math.PI / 6));
  return ((hour % 12) + 12) % 12 || 12;
}

export function measure(graph: SceneGraph, family: QuantitativeFamily, a: SceneObject, b?: SceneObject): Measurement {
  if (SINGLE_OBJECT_FAMILIES.has(family)) {
    switch (family) {
      case "width": return { family, valueM: a.box.widthM };
      case "height": return { family, valueM: a.box.heightM };
      case "elevation": {
        if (!graph.frame.canonicalized) throw new MeasurementUnavailableError("no support plane was found in this image, so there is no floor to measure elevation from", "no_support_plane");
        return { family, valueM: Math.max(0, a.box.center[2] - a.box.heightM / 2) };
      }
    }
  }
  if (!b) throw new MeasurementUnavailableError(`${family} needs two objects`, "missing_object");
  const ca = a.box.center, cb = b.box.center;
  const dx = cb[0] - ca[0], dy = cb[1] - ca[1], dz = cb[2] - ca[2];
  switch (family) {
    case "distance": return { family, valueM: Math.hypot(dx, dy, dz) };
    case "gap": return { family, valueM: solidDistance({ shape: a.shape ?? "box", box: a.box }, { shape: b.shape ?? "box", box: b.box }) };
    case "horizontal_distance": return { family, valueM: Math.hypot(dx, dy) };
    case "vertical_distance": return { family, valueM: Math.abs(dz) };
    case "direction": return { family, clockHour: clockHourOf(dx, dy), angleRad: Math.atan2(dx, dy) };
    default: throw new Error(`unknown family ${family}`);
  }
}
