import { describe, expect, it } from "vitest";
import { answerQuestion } from "../spatial/understand.js";
import type { SceneGraph, SceneObject } from "../spatial/scene-graph.js";
import { AskOutputLine, askOutputLine, SceneOutput, sceneOutput } from "./scene-output.js";

const object = (id: string, label: string, x: number, size: [number, number, number]): SceneObject => ({
  id, label, score: 0.91234567, box2d: [10.123, 20, 110, 220], attributes: { imagePosition: "center" }, centerCam: [x, 0.5, 3],
  box: { center: [x, 3, size[2] / 2], widthM: size[0], lengthM: size[1], heightM: size[2], yawRad: 0 }, pointCount: 812,
});
const graph: SceneGraph = {
  version: 1, image: { width: 640, height: 480 }, intrinsics: { fx: 500, fy: 500, cx: 319.5, cy: 239.5, source: "input" }, depth: { source: "input" },
  frame: { canonicalized: true, upSource: "support-plane", worldFromCam: { rotation: [1, 0, 0, 0, 0, 1, 0, -1, 0], translation: [0, 0, 1.5] }, cameraHeightM: 1.5 },
  objects: [object("obj-0", "chair", -1, [0.5, 0.5, 0.9]), object("obj-1", "dining table", 1, [1.6, 0.8, 0.75])],
};

describe("contract output", () => {
  it("gives the scene in the CLI contract's shape: sizes from the box, not swapped", () => {
    const out = sceneOutput(graph);
    expect(SceneOutput.parse(out)).toEqual(out);
    expect(out.canonicalized).toBe(true);
    expect(out.objects[1]).toEqual({ id: "obj-1", label: "dining table", score: 0.9123, box2d: [10.1, 20, 110, 220], center_cam: [1, 0.5, 3], size_m: { width: 1.6, height: 0.75, length: 0.8 }, points: 812 });
  });

  it("gives each answer with its structured value and the objects it used", () => {
    const line = askOutputLine("How far is the chair from the table?", answerQuestion("How far is the chair from the table?", graph), graph);
    expect(AskOutputLine.parse(line)).toEqual(line);
    expect(line.answer.type).toBe("number");
    expect(line.answer.value_m).toBeCloseTo(2.0, 2);
    expect(line.objects.map((o) => o.label)).toEqual(["chair", "dining table"]);
    const left = askOutputLine("Is the chair left of the table?", answerQuestion("Is the chair left of the table?", graph), graph);
    expect(left.answer).toMatchObject({ type: "bool", bool: true });
    expect("value_m" in left.answer).toBe(false);
  });
});
