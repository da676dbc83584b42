// Qualitative relations between two objects of a scene graph, judged in the graph's world frame
// (z up, y = viewer's forward direction on the ground, x = viewer's right; metres).
//
// Definitions (reference point: the centre of each object's upright 3D box):
// - left / right: compare world x. This is the viewer's left-right axis in metric 3D, not image
//   columns: a far object can sit left of a near one in the image yet right of it in the room.
// - above / below: compare world z of the centres (a cup on a table is above the table).
// - behind / in front: compare world y, the horizontal distance along the viewer's forward
//   direction: farther is "behind". (Inverting this after canonicalisation is a known bug of the
//   open reproduction; a regression test pins it.)
// - taller / shorter, wider / thinner: compare box height / box width (width = the horizontal side
//   nearer the viewer's left-right axis).
// - bigger / smaller: compare box volume.
// "Neither" (null): positional relations need the centres to differ by more than
// max(5 cm, 10% of the pair's mean extent along that axis); size relations need the larger to
// exceed the smaller by 10% (linear) or 25% (volume). A person would not call those either way.
import type { Relation } from "./families.js";
import type { SceneGraph, SceneObject } from "./scene-graph.js";

const MIN_POSITION_MARGIN_M = 0.05;
const POSITION_MARGIN_SHARE = 0.1;
const LINEAR_SIZE_RATIO = 1.1;
const VOLUME_RATIO = 1.25;

type Axis = 0 | 1 | 2;
type Extent = "widthM" | "lengthM" | "heightM";

/** For each relation: the quantity it compares, and +1 when "more of it" means a larger value. */
const POSITIONAL: Partial<Record<Relation, { axis: Axis; extent: Extent; sign: 1 | -1 }>> = {
  left: { axis: 0, extent: "widthM", sign: -1 },
  right: { axis: 0, extent: "widthM", sign: 1 },
  behind: { axis: 1, extent: "lengthM", sign: 1 },
  in_front: { axis: 1, extent: "lengthM", sign: -1 },
  above: { axis: 2, extent: "heightM", sign: 1 },
  below: { axis: 2, extent: "heightM", sign: -1 },
};

const SIZE: Partial<Record<Relation, { of: (o: SceneObject) => number; ratio: number; sign: 1 | -1 }>> = {
  taller: { of: (o) => o.box.heightM, ratio: LINEAR_SIZE_RATIO, sign: 1 },
  shorter: { of: (o) => o.box.heightM, ratio: LINEAR_SIZE_RATIO, sign: -1 },
  wider: { of: (o) => o.box.widthM, ratio: LINEAR_SIZE_RATIO, sign: 1 },
  thinner: { of: (o) => o.box.widthM, ratio: LINEAR_SIZE_RATIO, sign: -1 },
  bigger: { of: volumeM3, ratio: VOLUME_RATIO, sign: 1 },
  smaller: { of: volumeM3, ratio: VOLUME_RATIO, sign: -1 },
};

export function volumeM3(o: SceneObject): number {
  return o.box.widthM * o.box.lengthM * o.box.heightM;
}

/**
 * +1 when `a` is clearly more <relation> than `b`, -1 when clearly less, 0 when too close to call.
 * Example: relationSign("left", chairAtXMinus1, tableAtX0) === 1.
 */
export function relationSign(relation: Relation, a: SceneObject, b: SceneObject): 1 | -1 | 0 {
  const positional = POSITIONAL[relation];
  if (positional) {
    const { axis, extent, sign } = positional;
    const delta = (a.box.center[axis] - b.box.center[axis]) * sign;
    const margin = Math.max(MIN_POSITION_MARGIN_M, POSITION_MARGIN_SHARE * (a.box[extent] + b.box[extent]) / 2);
    return delta > margin ? 1 : delta < -margin ? -1 : 0;
  }
  const size = SIZE[relation];
  if (!size) throw new Error(`unknown relation ${relation}`);
  const va = size.of(a), vb = size.of(b);
  if (va > vb * size.ratio) return size.sign;
  if (vb > va * size.ratio) return (-size.sign) as 1 | -1;
  return 0;
}

/** true / false, or null when the two are too close to call ("neither"). */
export function relationHolds(_graph: SceneGraph, relation: Relation, a: SceneObject, b: SceneObject): boolean | null {
  const s = relationSign(relation, a, b);
  return s === 0 ? null : s > 0;
}

/** The object that is more <relation> (for "left": the one more to the left); null when too close to call. */
export function chooseByRelation(_graph: SceneGraph, relation: Relation, a: SceneObject, b: SceneObject): SceneObject | null {
  const s = relationSign(relation, a, b);
  return s === 0 ? null : s > 0 ? a : b;
}
