import { describe, expect, it } from "vitest";
import { clockHourOf, measure, MeasurementUnavailableError, upIsAssumed } from "./measurements.js";
import type { SceneGraph, SceneObject } from "./scene-graph.js";

function object(id: string, center: [number, number, number], size: [number, number, number]): SceneObject {
  return {
    id, label: id, score: 1, box2d: [0, 0, 1, 1], attributes: { imagePosition: "center" }, centerCam: [0, 0, 0],
    box: { center, widthM: size[0], lengthM: size[1], heightM: size[2], yawRad: 0 }, pointCount: 100,
  };
}
function graph(canonicalized: boolean): SceneGraph {
  return {
    version: 1, image: { width: 640, height: 480 }, intrinsics: { fx: 500, fy: 500, cx: 320, cy: 240, source: "input" },
    depth: { source: "input" },
    frame: { canonicalized, upSource: canonicalized ? "support-plane" : "camera", worldFromCam: { rotation: [1, 0, 0, 0, 0, 1, 0, -1, 0], translation: [0, 0, 1.5] }, cameraHeightM: canonicalized ? 1.5 : 0 },
    objects: [],
  };
}

describe("measure", () => {
  const g = graph(true);
  const table = object("table", [0, 3, 0.375], [1.6, 0.8, 0.75]);
  const cup = object("cup", [0.3, 3.1, 0.8], [0.08, 0.08, 0.1]);
  const chair = object("chair", [-2, 3, 0.45], [0.5, 0.5, 0.9]);

  it("distance is centre to centre in metres (not scaled by a constant)", () => {
    const m = measure(g, "distance", table, chair);
    expect(m).toEqual({ family: "distance", valueM: Math.hypot(2, 0, 0.075) });
    expect(measure(g, "distance", chair, cup)).toMatchObject({ valueM: Math.hypot(2.3, 0.1, 0.35) });
  });

  it("horizontal and vertical distances split the offset", () => {
    expect((measure(g, "horizontal_distance", table, cup) as { valueM: number }).valueM).toBeCloseTo(Math.hypot(0.3, 0.1), 12);
    expect((measure(g, "vertical_distance", table, cup) as { valueM: number }).valueM).toBeCloseTo(0.425, 12);
  });

  it("gap is the closest distance between the boxes, 0 when they touch", () => {
    expect((measure(g, "gap", table, chair) as { valueM: number }).valueM).toBeCloseTo(2 - 0.8 - 0.25, 9);
    expect((measure(g, "gap", table, cup) as { valueM: number }).valueM).toBeCloseTo(0, 9);
  });

  it("height is the vertical extent, never the width (regression)", () => {
    const bench = object("bench", [0, 2, 0.25], [2, 0.4, 0.5]);
    expect(measure(g, "height", bench)).toEqual({ family: "height", valueM: 0.5 });
    expect(measure(g, "width", bench)).toEqual({ family: "width", valueM: 2 });
  });

  it("elevation is the bottom's height above the support plane, and needs one", () => {
    expect((measure(g, "elevation", cup) as { valueM: number }).valueM).toBeCloseTo(0.75, 12);
    expect((measure(g, "elevation", table) as { valueM: number }).valueM).toBeCloseTo(0, 12);
    const flat = graph(false);
    expect(upIsAssumed(flat)).toBe(true);
    expect(() => measure(flat, "elevation", cup)).toThrow(MeasurementUnavailableError);
  });

  it("two-object families need the second object", () => {
    expect(() => measure(g, "distance", table)).toThrow(/two objects/);
  });

  it("direction is a clock hour seen from A facing forward", () => {
    expect(measure(g, "direction", chair, table)).toMatchObject({ clockHour: 3 }); // table is to the chair's right
    expect(measure(g, "direction", table, chair)).toMatchObject({ clockHour: 9 });
    expect(clockHourOf(0, 1)).toBe(12);
    expect(clockHourOf(0, -1)).toBe(6);
    expect(clockHourOf(1, 1)).toBe(2); // 45° rounds to 2 o'clock (1.5 hours, banker-free Math.round)
    expect(clockHourOf(-0.5, Math.sqrt(3) / 2)).toBe(11);
  });
});
