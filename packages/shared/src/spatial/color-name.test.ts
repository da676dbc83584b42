import { describe, expect, it } from "vitest";
import { colorName, meanRgb } from "./color-name.js";

describe("colorName", () => {
  it.each([
    [[220, 30, 30], "red"], [[120, 20, 20], "red"], [[30, 160, 40], "green"], [[40, 60, 200], "blue"],
    [[240, 220, 40], "yellow"], [[240, 140, 20], "orange"], [[120, 70, 30], "brown"], [[130, 40, 160], "purple"],
    [[250, 250, 250], "white"], [[15, 15, 15], "black"], [[128, 128, 128], "gray"], [[250, 160, 200], "pink"], [[30, 200, 210], "cyan"],
  ] as const)("%j is %s", (rgb, name) => {
    expect(colorName(rgb as [number, number, number])).toBe(name);
  });

  it("keeps the hue name under shading", () => {
    expect(colorName([110, 15, 15])).toBe("red");
    expect(colorName([20, 30, 110])).toBe("blue");
  });
});

describe("meanRgb", () => {
  it("averages only mask pixels inside the box", () => {
    // 2×1 image: a red and a blue pixel.
    const rgb = new Uint8Array([255, 0, 0, 0, 0, 255]);
    expect(meanRgb(rgb, 2, [0, 0, 2, 1])).toEqual([128, 0, 128]);
    expect(meanRgb(rgb, 2, [0, 0, 2, 1], new Uint8Array([0, 1]))).toEqual([0, 0, 255]);
    expect(meanRgb(rgb, 2, [0, 0, 2, 1], new Uint8Array([0, 0]))).toBeUndefined();
  });
});
