// The scene graph's metric facts as compact text for a VLM prompt: per object its id, colour,
// label, distance from the camera, whole-object size and image position; per pair of objects the
// centre distance, the gap between the solids and the clear positional relations. Numbers come
// from the same measurements and relation rules the query programs use (measurements.ts,
// relations.ts), so a VLM grounded in them is told what the program would say. Frames: sizes and
// pairs in the graph's world frame (z up), distance from the camera in the camera frame; metres.
import { measure } from "../spatial/measurements.js";
import { relationSign } from "../spatial/relations.js";
import type { Relation } from "../spatial/families.js";
import type { SceneGraph, SceneObject } from "../spatial/scene-graph.js";

/** Objects listed at most (a prompt, not a dump: the rest are counted). */
export const MAX_GROUNDED_OBJECTS = 40;
/** Up to this many listed objects, every pair is given; beyond, each object's nearest few. */
const ALL_PAIRS_UP_TO = 10;
const NEAREST_PER_OBJECT = 3;

const m = (x: number) => `${x.toFixed(2)} m`;

/** Relations stated for a pair: each axis's clear side, none when too close to call. */
const AXES: Array<[Relation, string, string]> = [
  ["left", "left of", "right of"],
  ["above", "above", "below"],
  ["in_front", "in front of", "behind"],
];

function describeObject(o: SceneObject): string {
  const colour = o.attributes.color ? `${o.attributes.color.name} ` : "";
  const fromCameraM = Math.hypot(o.centerCam[0], o.centerCam[1], o.centerCam[2]);
  const completed = o.extentSource && Object.values(o.extentSource).some((s) => s !== "measured") ? ", partly completed from typical sizes" : "";
  const truncated = o.attributes.truncated ? ", cut off by the image border (size is a lower bound)" : "";
  return `${o.id}: ${colour}${o.label}; centre ${m(fromCameraM)} from the camera; ${o.attributes.imagePosition} of the image; size ${o.box.widthM.toFixed(2)} wide × ${o.box.heightM.toFixed(2)} tall × ${o.box.lengthM.toFixed(2)} deep (m${completed}${truncated})`;
}

function describePair(graph: SceneGraph, a: SceneObject, b: SceneObject): string {
  const distance = measure(graph, "distance", a, b);
  const gap = measure(graph, "gap", a, b);
  const relations = AXES.flatMap(([relation, yes, no]) => {
    const sign = relationSign(relation, a, b);
    return sign === 0 ? [] : [sign > 0 ? yes : no];
  });
  const distanceM = "valueM" in distance ? distance.valueM : 0;
  const gapM = "valueM" in gap ? gap.valueM : 0;
  return `${a.id}–${b.id}: centres ${m(distanceM)} apart, gap ${m(gapM)}${relations.length ? `; ${a.id} is ${relations.join(", ")} ${b.id}` : ""}`;
}

function centreDistanceM(a: SceneObject, b: SceneObject): number {
  return Math.hypot(a.box.center[0] - b.box.center[0], a.box.center[1] - b.box.center[1], a.box.center[2] - b.box.center[2]);
}

/** The pairs to state: all of them for a small scene, else each object's nearest neighbours. */
function pairsOf(objects: readonly SceneObject[]): Array<[SceneObject, SceneObject]> {
  if (objects.length <= ALL_PAIRS_UP_TO) return objects.flatMap((a, i) => objects.slice(i + 1).map((b): [SceneObject, SceneObject] => [a, b]));
  const seen = new Set<string>();
  const out: Array<[SceneObject, SceneObject]> = [];
  for (const a of objects) {
    const nearest = objects.filter((b) => b !== a).sort((p, q) => centreDistanceM(a, p) - centreDistanceM(a, q)).slice(0, NEAREST_PER_OBJECT);
    for (const b of nearest) {
      const [x, y] = objects.indexOf(a) < objects.indexOf(b) ? [a, b] : [b, a];
      const key = `${x.id} ${y.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([x, y]);
    }
  }
  return out;
}

/**
 * The facts block of a VLM prompt. Example line: "obj-6: gray laptop; centre 1.52 m from the
 * camera; center of the image; size 0.34 wide × 0.02 tall × 0.24 deep (m)".
 */
export function groundingFacts(graph: SceneGraph): string {
  const located = graph.objects.filter((o) => o.pointCount > 0);
  const listed = located.slice(0, MAX_GROUNDED_OBJECTS);
  const depth = graph.depth.source === "priors" ? "estimated from typical object sizes (no depth sensor or model): treat lengths as rough" : `from ${graph.depth.source === "input" ? "the caller's depth map" : graph.depth.source}`;
  const up = graph.frame.canonicalized ? "up is the floor's normal" : "no floor was found: up assumes the camera is level";
  const lines = [`Measured scene facts (metres; depth ${depth}; ${up}; left/right and in front/behind are from the camera's viewpoint).`, "Objects:"];
  lines.push(...(listed.length ? listed.map(describeObject) : ["(none placed in 3D)"]));
  if (located.length > listed.length) lines.push(`(${located.length - listed.length} more objects not listed)`);
  const pairs = pairsOf(listed);
  if (pairs.length) lines.push("Pairs:", ...pairs.map(([a, b]) => describePair(graph, a, b)));
  const unplaced = [...graph.objects.filter((o) => o.pointCount === 0).map((o) => `${o.id}: ${o.label}`), ...(graph.unlocated ?? []).map((u) => u.label)];
  if (unplaced.length) lines.push(`Seen but not placed in 3D (no measurements): ${unplaced.slice(0, MAX_GROUNDED_OBJECTS).join("; ")}`);
  return lines.join("\n");
}
