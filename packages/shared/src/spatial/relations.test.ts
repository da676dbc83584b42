import { describe, expect, it } from "vitest";
import { chooseByRelation, relationHolds, relationSign } from "./relations.js";
import type { SceneGraph, SceneObject } from "./scene-graph.js";

function object(id: string, center: [number, number, number], size: [number, number, number] = [0.5, 0.5, 0.5]): SceneObject {
  return {
    id, label: id, score: 1, box2d: [0, 0, 1, 1], attributes: { imagePosition: "center" }, centerCam: [0, 0, 0],
    box: { center, widthM: size[0], lengthM: size[1], heightM: size[2], yawRad: 0 }, pointCount: 100,
  };
}
const graph = {} as SceneGraph; // relations read only the objects

describe("positional relations (world frame: x right, y forward, z up)", () => {
  const left = object("left", [-1, 3, 0.25]);
  const right = object("right", [1, 3, 0.25]);
  const near = object("near", [0, 2, 0.25]);
  const far = object("far", [0, 5, 0.25]);
  const high = object("high", [0, 3, 1.5]);

  it("left/right compare x", () => {
    expect(relationHolds(graph, "left", left, right)).toBe(true);
    expect(relationHolds(graph, "right", left, right)).toBe(false);
    expect(chooseByRelation(graph, "right", left, right)).toBe(right);
  });

  it("the farther object is behind, the nearer in front (regression: not inverted)", () => {
    expect(relationHolds(graph, "behind", far, near)).toBe(true);
    expect(relationHolds(graph, "in_front", near, far)).toBe(true);
    expect(relationHolds(graph, "in_front", far, near)).toBe(false);
    expect(chooseByRelation(graph, "behind", near, far)).toBe(far);
  });

  it("above/below compare the centres' height", () => {
    expect(relationHolds(graph, "above", high, near)).toBe(true);
    expect(relationHolds(graph, "below", near, high)).toBe(true);
  });

  it("is neither when the centres are within max(5 cm, 10% of the mean extent)", () => {
    const a = object("a", [0, 3, 0.25], [1, 1, 1]);
    expect(relationSign("left", a, object("b", [0.09, 3, 0.25], [1, 1, 1]))).toBe(0);
    expect(relationSign("left", a, object("b", [0.11, 3, 0.25], [1, 1, 1]))).toBe(1);
    expect(relationSign("above", object("s", [0, 0, 0.04], [0.1, 0.1, 0.1]), object("t", [0, 0, 0], [0.1, 0.1, 0.1]))).toBe(0);
    expect(relationHolds(graph, "left", a, a)).toBeNull();
    expect(chooseByRelation(graph, "left", a, a)).toBeNull();
  });
});

describe("size relations", () => {
  const tallThin = object("tall", [0, 0, 1], [0.3, 0.3, 2]);
  const wideLow = object("wide", [0, 0, 0.25], [2, 0.5, 0.5]);

  it("taller/shorter use height and wider/thinner use width (regression: height is not the x extent)", () => {
    expect(relationHolds(graph, "taller", tallThin, wideLow)).toBe(true);
    expect(relationHolds(graph, "shorter", wideLow, tallThin)).toBe(true);
    expect(relationHolds(graph, "wider", wideLow, tallThin)).toBe(true);
    expect(chooseByRelation(graph, "thinner", wideLow, tallThin)).toBe(tallThin);
  });

  it("bigger compares volume with a 25% margin", () => {
    expect(relationHolds(graph, "bigger", wideLow, tallThin)).toBe(true); // 0.5 m³ vs 0.18 m³
    const a = object("a", [0, 0, 0], [1, 1, 1]);
    expect(relationHolds(graph, "bigger", a, object("b", [0, 0, 0], [1, 1, 0.85]))).toBeNull();
    expect(relationHolds(graph, "smaller", object("b", [0, 0, 0], [1, 1, 0.7]), a)).toBe(true);
  });
});
