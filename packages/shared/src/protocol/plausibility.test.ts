import { describe, expect, it } from "vitest";
import { boxesProblem, intrinsicsProblem } from "./plausibility.js";

describe("intrinsicsProblem", () => {
  it("accepts real cameras", () => {
    expect(intrinsicsProblem({ fx: 518.9, fy: 519.5, cx: 325.6, cy: 253.7 }, 640, 480)).toBeNull(); // Kinect, ~63°
    expect(intrinsicsProblem({ fx: 721.5, fy: 721.5, cx: 609.6, cy: 172.9 }, 1242, 375)).toBeNull(); // KITTI
    expect(intrinsicsProblem({ fx: 200, fy: 200, cx: 320, cy: 240 }, 640, 480)).toBeNull(); // wide angle, ~116°
  });
  it("refuses fields of view outside 1°–170° and names the bound", () => {
    expect(intrinsicsProblem({ fx: 1, fy: 1, cx: 320, cy: 240 }, 640, 480)).toMatch(/horizontal field of view of 180°.*between 1° and 170°/);
    expect(intrinsicsProblem({ fx: 1e6, fy: 1e6, cx: 320, cy: 240 }, 640, 480)).toMatch(/field of view of 0\.0367°/);
    expect(intrinsicsProblem({ fx: 500, fy: 1e-300, cx: 320, cy: 240 }, 640, 480)).toMatch(/vertical/);
  });
  it("refuses a principal point far outside the image", () => {
    expect(intrinsicsProblem({ fx: 500, fy: 500, cx: 5000, cy: 240 }, 640, 480)).toMatch(/principal point/);
    expect(intrinsicsProblem({ fx: 500, fy: 500, cx: -100, cy: 240 }, 640, 480)).toMatch(/principal point/);
    expect(intrinsicsProblem({ fx: 500, fy: 500, cx: 0, cy: 480 }, 640, 480)).toBeNull(); // on the border
  });
  it("refuses non-finite values", () => {
    expect(intrinsicsProblem({ fx: NaN, fy: 500, cx: 1, cy: 1 }, 640, 480)).toMatch(/finite/);
  });
});

describe("boxesProblem", () => {
  it("accepts boxes inside the image and refuses others", () => {
    expect(boxesProblem([{ box2d: [0, 0, 640, 480] }], 640, 480)).toBeNull();
    expect(boxesProblem([{ box2d: [10, 10, 700, 20] }], 640, 480)).toMatch(/objects\[0\].*outside the 640×480 image/);
    expect(boxesProblem([{ box2d: [0, 0, 1, 1] }, { box2d: [30, 30, 20, 40] }], 640, 480)).toMatch(/objects\[1\].*x2 > x1/);
  });
});
