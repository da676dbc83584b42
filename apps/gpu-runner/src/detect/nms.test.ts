import { describe, expect, it } from "vitest";
import type { Detection } from "./detection.js";
import { iou, nmsDetections, nonMaxSuppression } from "./nms.js";

describe("iou", () => {
  it("is 1/3 for two 2×2 boxes overlapping by half, 1 for identical boxes, 0 when disjoint or touching", () => {
    expect(iou([0, 0, 2, 2], [1, 0, 3, 2])).toBeCloseTo(1 / 3, 12);
    expect(iou([5, 5, 9, 8], [5, 5, 9, 8])).toBe(1);
    expect(iou([0, 0, 1, 1], [1, 0, 2, 1])).toBe(0);
    expect(iou([0, 0, 1, 1], [3, 3, 4, 4])).toBe(0);
  });

  it("is 0 for degenerate (empty) boxes", () => {
    expect(iou([1, 1, 1, 1], [1, 1, 1, 1])).toBe(0);
    expect(iou([2, 2, 1, 1], [0, 0, 3, 3])).toBe(0);
  });
});

describe("nonMaxSuppression", () => {
  const boxes = new Float32Array([0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30, 0, 0, 10, 10]);
  const scores = new Float32Array([0.8, 0.9, 0.5, 0.7]);

  it("keeps the best of each overlapping group, best first", () => {
    expect(Array.from(nonMaxSuppression(boxes, scores, { iouThreshold: 0.5 }))).toEqual([1, 2]);
  });

  it("suppresses only within a class", () => {
    const classIds = new Int32Array([0, 0, 0, 1]);
    expect(Array.from(nonMaxSuppression(boxes, scores, { iouThreshold: 0.5, classIds }))).toEqual([1, 3, 2]);
  });

  it("keeps boxes whose IoU is at or below the threshold, and honours maxDetections", () => {
    // IoU of boxes 0 and 1 is 81 / 119 ≈ 0.68.
    expect(Array.from(nonMaxSuppression(boxes, scores, { iouThreshold: 0.7 }))).toEqual([1, 0, 2]);
    expect(Array.from(nonMaxSuppression(boxes, scores, { iouThreshold: 0.7, maxDetections: 2 }))).toEqual([1, 0]);
  });

  it("handles no boxes, rejects mismatched lengths, and leaves its inputs alone", () => {
    expect(nonMaxSuppression(new Float32Array(0), new Float32Array(0), { iouThreshold: 0.5 }).length).toBe(0);
    expect(() => nonMaxSuppression(new Float32Array(5), new Float32Array(1), { iouThreshold: 0.5 })).toThrow(RangeError);
    const before = Array.from(scores);
    nonMaxSuppression(boxes, scores, { iouThreshold: 0.5 });
    expect(Array.from(scores)).toEqual(before);
  });
});

describe("nmsDetections", () => {
  const dets: Detection[] = [
    { label: "car", score: 0.6, box2d: [0, 0, 10, 10] },
    { label: "car", score: 0.9, box2d: [0, 0, 10, 11] },
    { label: "truck", score: 0.7, box2d: [0, 0, 10, 10] },
  ];

  it("is per label by default and class-agnostic when asked", () => {
    expect(nmsDetections(dets, { iouThreshold: 0.45 }).map((d) => `${d.label} ${d.score}`)).toEqual(["car 0.9", "truck 0.7"]);
    expect(nmsDetections(dets, { iouThreshold: 0.45, classAgnostic: true }).map((d) => d.score)).toEqual([0.9]);
  });
});
