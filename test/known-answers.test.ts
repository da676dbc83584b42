// Every SpatialVLM question family on rendered scenes with exact depth and masks, against the
// renderer's ground truth. "Unambiguous" is decided from the truth alone: the relation must hold
// by twice the margin under which we call it "neither" (so a correct pipeline's small measurement
// error cannot flip it), and both objects must be fully observable — inside the picture, mostly
// unoccluded, and (for boxes) with their top face in view, since a box seen face-on at eye level
// shows nothing of its depth.
import { describe, expect, it } from "vitest";
import { Relation, QuantitativeFamily } from "../packages/shared/src/spatial/families.js";
import { measure } from "../packages/shared/src/spatial/measurements.js";
import { relationSign } from "../packages/shared/src/spatial/relations.js";
import type { SceneObject } from "../packages/shared/src/spatial/scene-graph.js";
import { liftRandomScene, type LiftedScene } from "./rendered-scenes.js";

const SEEDS = Array.from({ length: 80 }, (_, i) => i + 1);
const scenes: LiftedScene[] = SEEDS.map((seed) => liftRandomScene(seed));

function observable(s: LiftedScene, i: number): boolean {
  const rendered = s.scene.render.objects[i];
  const lifted = s.built.graph.objects[i];
  if (lifted.attributes.truncated || rendered.visibleFraction < 0.8 || lifted.pointCount === 0) return false;
  if (rendered.kind !== "box") return true;
  const box = s.truth.objects[i].box;
  const cameraHeightM = s.truth.frame.cameraHeightM;
  const topElevationRad = Math.atan2(cameraHeightM - (box.center[2] + box.heightM / 2), Math.hypot(box.center[0], box.center[1]));
  return topElevationRad > (10 * Math.PI) / 180;
}

/** The truth's verdict when it is clear by twice the "neither" margin, else 0. */
function clearTruth(relation: Relation, a: SceneObject, b: SceneObject): -1 | 0 | 1 {
  const sign = relationSign(relation, a, b);
  if (sign === 0) return 0;
  const axis = { left: 0, right: 0, behind: 1, in_front: 1, above: 2, below: 2 }[relation as string] as 0 | 1 | 2 | undefined;
  if (axis !== undefined) {
    const extent = axis === 0 ? "widthM" : axis === 1 ? "lengthM" : "heightM";
    const margin = Math.max(0.05, (0.1 * (a.box[extent] + b.box[extent])) / 2);
    return Math.abs(a.box.center[axis] - b.box.center[axis]) > 2 * margin ? sign : 0;
  }
  // Width is ill-defined for a box turned ~45° to the viewer: its two sides swap names there.
  const near45 = (o: SceneObject) => o.box.widthM !== o.box.lengthM && Math.abs(Math.abs(o.box.yawRad) - Math.PI / 4) < (10 * Math.PI) / 180;
  if ((relation === "wider" || relation === "thinner") && (near45(a) || near45(b))) return 0;
  const size = (o: SceneObject) => (relation === "taller" || relation === "shorter" ? o.box.heightM : relation === "wider" || relation === "thinner" ? o.box.widthM : o.box.widthM * o.box.lengthM * o.box.heightM);
  const ratio = Math.max(size(a), size(b)) / Math.min(size(a), size(b));
  return ratio > (relation === "bigger" || relation === "smaller" ? 1.5 : 1.2) ? sign : 0;
}

const pairs = scenes.flatMap((s) =>
  s.built.graph.objects.flatMap((_, i) => s.built.graph.objects.map((__, j) => ({ s, i, j }))).filter(({ s, i, j }) => i !== j && observable(s, i) && observable(s, j)),
);

describe("known answers on rendered scenes (exact depth)", () => {
  it("has enough observable pairs to mean something", () => {
    expect(pairs.length).toBeGreaterThan(150);
  });

  it("finds the floor: camera height within 1 cm on every scene", () => {
    for (const s of scenes) {
      expect(s.built.graph.frame.canonicalized).toBe(true);
      expect(Math.abs(s.built.graph.frame.cameraHeightM - s.truth.frame.cameraHeightM)).toBeLessThan(0.01);
    }
  });

  it.each(Relation.options)("answers %s correctly on every pair where the truth is unambiguous", (relation) => {
    let checked = 0;
    const failures: string[] = [];
    for (const { s, i, j } of pairs) {
      const truth = clearTruth(relation, s.truth.objects[i], s.truth.objects[j]);
      if (truth === 0) continue;
      checked++;
      const got = relationSign(relation, s.built.graph.objects[i], s.built.graph.objects[j]);
      if (got !== truth) failures.push(`seed ${s.scene.seed}: ${relation}(${i} ${s.scene.render.objects[i].kind} ${JSON.stringify(s.truth.objects[i].box)} got ${JSON.stringify(s.built.graph.objects[i].box)}, ${j} ${s.scene.render.objects[j].kind} ${JSON.stringify(s.truth.objects[j].box)} got ${JSON.stringify(s.built.graph.objects[j].box)}) = ${got}, truth ${truth}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it("measures centre distances within 5%", () => {
    for (const family of ["distance", "horizontal_distance"] as const) {
      for (const { s, i, j } of pairs) {
        const truth = measure(s.truth, family, s.truth.objects[i], s.truth.objects[j]) as { valueM: number };
        const got = measure(s.built.graph, family, s.built.graph.objects[i], s.built.graph.objects[j]) as { valueM: number };
        expect(Math.abs(got.valueM - truth.valueM) / truth.valueM, `seed ${s.scene.seed}: ${family}(${i}, ${j}) = ${got.valueM} vs ${truth.valueM}`).toBeLessThan(0.05);
      }
    }
  });

  it.each(["gap", "vertical_distance", "width", "height", "elevation"] as const)("measures %s within max(5 cm, 5 percent)", (family) => {
    const failures: string[] = [];
    for (const { s, i, j } of pairs) {
      if (family === "width" && clearTruth("wider", s.truth.objects[i], s.truth.objects[i]) === 0 && Math.abs(Math.abs(s.truth.objects[i].box.yawRad) - Math.PI / 4) < (10 * Math.PI) / 180) continue;
      const truth = measure(s.truth, family, s.truth.objects[i], s.truth.objects[j]) as { valueM: number };
      const got = measure(s.built.graph, family, s.built.graph.objects[i], s.built.graph.objects[j]) as { valueM: number };
      if (!(Math.abs(got.valueM - truth.valueM) < Math.max(0.05, 0.05 * truth.valueM))) failures.push(`seed ${s.scene.seed}: ${family}(${i} ${s.scene.render.objects[i].kind}, ${j} ${s.scene.render.objects[j].kind}) = ${got.valueM.toFixed(3)} vs ${truth.valueM.toFixed(3)}`);
    }
    expect(failures).toEqual([]);
  });

  it("gives the same clock direction wherever the true bearing is 5° or more from a sector boundary", () => {
    let checked = 0;
    for (const { s, i, j } of pairs) {
      const truth = measure(s.truth, "direction", s.truth.objects[i], s.truth.objects[j]) as { clockHour: number; angleRad: number };
      const offSectorDeg = Math.abs((((truth.angleRad * 180) / Math.PI + 15) % 30 + 30) % 30 - 15);
      if (offSectorDeg > 10) continue; // within 5° of a boundary: 15 ± 5 from the centre
      checked++;
      expect((measure(s.built.graph, "direction", s.built.graph.objects[i], s.built.graph.objects[j]) as { clockHour: number }).clockHour, `seed ${s.scene.seed}: direction(${i}, ${j})`).toBe(truth.clockHour);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("covers every quantitative family", () => {
    expect(QuantitativeFamily.options.length).toBe(8);
  });
});
