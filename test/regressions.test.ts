// Regression tests for the bugs found in the open reproduction of SpatialVLM's pipeline
// (VQASynth), each through the full lifting pipeline on a rendered scene with exact depth.
import { describe, expect, it } from "vitest";
import { measure, MeasurementUnavailableError } from "../packages/shared/src/spatial/measurements.js";
import { relationHolds } from "../packages/shared/src/spatial/relations.js";
import { SceneGraph } from "../packages/shared/src/spatial/scene-graph.js";
import type { CameraSpec, ObjectSpec } from "../packages/shared/src/testing/index.js";
import { liftScene } from "./rendered-scenes.js";

const DEG = Math.PI / 180;
const camera = (heightM: number, pitchDeg: number): CameraSpec => ({ position: [0, 0, heightM], yawRad: 0, pitchRad: pitchDeg * DEG, focalPx: 500, width: 640, height: 480 });
const box = (id: string, label: string, center: [number, number], w: number, l: number, h: number, color: [number, number, number] = [200, 40, 40]): ObjectSpec =>
  ({ kind: "box", id, label, color, center: [center[0], center[1], h / 2], widthM: w, lengthM: l, heightM: h, yawRad: 0 });
const valueM = (m: ReturnType<typeof measure>) => (m as { valueM: number }).valueM;

describe("regressions of the open reproduction", () => {
  it("height is the vertical extent, not the x extent", () => {
    // A long low bench and a tall narrow cabinet: swapping axes would make the bench the taller.
    const { built } = liftScene({ camera: camera(1.6, 30), objects: [box("a", "bench", [-0.8, 3.5], 1.6, 0.4, 0.45), box("b", "cabinet", [1.0, 3.5], 0.4, 0.4, 1.2, [40, 40, 200])] });
    const [bench, cabinet] = built.graph.objects;
    expect(valueM(measure(built.graph, "height", bench))).toBeCloseTo(0.45, 1);
    expect(valueM(measure(built.graph, "width", bench))).toBeCloseTo(1.6, 1);
    expect(valueM(measure(built.graph, "height", cabinet))).toBeCloseTo(1.2, 1);
    expect(relationHolds(built.graph, "taller", cabinet, bench)).toBe(true);
    expect(relationHolds(built.graph, "wider", bench, cabinet)).toBe(true);
  });

  it.each([[5, 3.5, 5.5], [25, 2.5, 4.5], [45, 2.0, 3.5]])("behind / in front are not inverted after canonicalisation (camera pitched %d°)", (pitchDeg, nearM, farM) => {
    const { built } = liftScene({ camera: camera(1.8, pitchDeg), objects: [box("near", "box", [0.3, nearM], 0.4, 0.4, 0.4), box("far", "box", [-0.3, farM], 0.4, 0.4, 0.4, [40, 40, 200])] });
    expect(built.graph.frame.canonicalized).toBe(true);
    const [near, far] = built.graph.objects;
    expect(relationHolds(built.graph, "behind", far, near)).toBe(true);
    expect(relationHolds(built.graph, "in_front", near, far)).toBe(true);
    // And the up axis is up: the camera is above the floor, the objects rest on it.
    expect(built.graph.frame.cameraHeightM).toBeCloseTo(1.8, 2);
    expect(near.attributes.truncated).toBe(false);
    expect(valueM(measure(built.graph, "elevation", near))).toBeLessThan(0.02);
  });

  it("no NaN when the largest plane is a wall: the scene says it is not canonicalized", () => {
    const { built } = liftScene({
      camera: camera(1.5, 0),
      objects: [box("a", "box", [-0.3, 1.2], 0.3, 0.3, 1.4), box("b", "box", [0.3, 1.2], 0.3, 0.3, 1.0, [40, 40, 200])],
      walls: [{ start: [-5, 1.5], end: [5, 1.5], infinite: true }],
    });
    const graph = built.graph;
    expect(graph.frame.canonicalized).toBe(false);
    expect(graph.frame.upSource).toBe("camera");
    expect(JSON.stringify(graph)).not.toMatch(/NaN|null/);
    expect(() => SceneGraph.parse(graph)).not.toThrow();
    const numbers = JSON.stringify(graph).match(/-?\d+(\.\d+)?(e-?\d+)?/g)!.map(Number);
    expect(numbers.every(Number.isFinite)).toBe(true);
    // Relations still work with the camera's up; elevation has no floor to measure from and says so.
    const [a, b] = graph.objects;
    expect(relationHolds(graph, "left", a, b)).toBe(true);
    expect(() => measure(graph, "elevation", a)).toThrow(MeasurementUnavailableError);
  });

  it("distances are metres, not scaled by a constant: the same layout seen from different heights and lenses", () => {
    const objects = [box("a", "box", [-0.75, 3], 0.4, 0.4, 0.5), box("b", "box", [0.75, 3], 0.4, 0.4, 0.5, [40, 40, 200])];
    for (const [heightM, pitchDeg, focalPx] of [[1.0, 10, 400], [1.7, 25, 600], [2.5, 40, 800]]) {
      const { built } = liftScene({ camera: { ...camera(heightM, pitchDeg), focalPx }, objects });
      const [a, b] = built.graph.objects;
      expect(valueM(measure(built.graph, "distance", a, b))).toBeCloseTo(1.5, 1);
      expect(Math.abs(valueM(measure(built.graph, "distance", a, b)) - 1.5)).toBeLessThan(0.05 * 1.5);
      expect(Math.abs(valueM(measure(built.graph, "gap", a, b)) - 1.1)).toBeLessThan(0.05);
    }
  });
});
