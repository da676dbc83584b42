import { describe, expect, it } from "vitest";
import { Preprocess } from "../models/manifest.js";
import { prepareInput } from "./preprocess.js";

// 2×1 image: a red pixel, then a blue one.
const image = { width: 2, height: 1, rgb: new Uint8Array([255, 0, 0, 0, 0, 255]) };

describe("prepareInput", () => {
  it("lays out NCHW RGB with scale, mean and std", () => {
    const p = Preprocess.parse({ width: 2, height: 1, mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5] });
    const { data, dims } = prepareInput(image, p);
    expect(dims).toEqual([1, 3, 1, 2]);
    // R plane: (1 - .5)/.5 = 1, (0 - .5)/.5 = -1; G plane: -2, -2; B plane: -1, 1.
    expect(Array.from(data)).toEqual([1, -1, -2, -2, -1, 1]);
  });

  it("swaps to BGR and NHWC", () => {
    const p = Preprocess.parse({ width: 2, height: 1, channels: "BGR", layout: "NHWC", scale: 1 });
    expect(Array.from(prepareInput(image, p).data)).toEqual([0, 0, 255, 255, 0, 0]);
  });

  it("letterboxes keeping the aspect ratio, padding right and bottom", () => {
    const p = Preprocess.parse({ width: 4, height: 4, resize: "letterbox", padValue: 114, scale: 1, layout: "NHWC" });
    const { data, scaleX, scaleY } = prepareInput(image, p);
    expect([scaleX, scaleY]).toEqual([2, 2]);
    // Rows 0-1 hold the image, rows 2-3 are padding.
    expect(data[0]).toBe(255); // top-left is red
    expect(Array.from(data.slice(3 * 3, 3 * 3 + 3))).toEqual([0, 0, 255]); // top-right is blue
    expect(Array.from(data.slice(2 * 4 * 3, 2 * 4 * 3 + 3))).toEqual([114, 114, 114]);
  });

  it("interpolates bilinearly between pixel centres", () => {
    const p = Preprocess.parse({ width: 4, height: 1, scale: 1, layout: "NHWC" });
    const { data } = prepareInput(image, p);
    // Output centres map to input x = -0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
    expect(Array.from(data.filter((_, i) => i % 3 === 0))).toEqual([255, 191.25, 63.75, 0]);
  });
});
