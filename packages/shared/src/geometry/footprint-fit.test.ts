import { describe, expect, it } from "vitest";
import { fitCircle, fitSphere, fitUprightBox, lShapeRectangle } from "./footprint-fit.js";
import { minAreaRectangle, convexHull2d } from "./boxes.js";

const DEG = Math.PI / 180;

/** Points on the two camera-facing sides of a w×l rectangle turned by yaw, as a depth camera sees a box. */
function lShape(w: number, l: number, yawRad: number, step = 0.01): Float64Array {
  const c = Math.cos(yawRad), s = Math.sin(yawRad);
  const out: number[] = [];
  const put = (u: number, v: number) => out.push(3 + u * c - v * s, 4 + u * s + v * c);
  for (let u = -w / 2; u <= w / 2; u += step) put(u, -l / 2);
  for (let v = -l / 2; v <= l / 2; v += step) put(-w / 2, v);
  return new Float64Array(out);
}

/** World-frame surface points of a visible half cylinder (side only) or a sphere's front cap. */
function cylinderSide(r: number, h: number, fromDeg: number, toDeg: number): Float32Array {
  const out: number[] = [];
  for (let a = fromDeg; a <= toDeg; a += 3) for (let k = 0; k <= 30; k++) out.push(1 + r * Math.cos(a * DEG), 2 + r * Math.sin(a * DEG), (h * k) / 30);
  return new Float32Array(out);
}

describe("lShapeRectangle", () => {
  it.each([10, 30, 60, 80])("recovers a %d° rectangle from two visible sides, where min-area is a coin toss", (yawDeg) => {
    const xy = lShape(1.2, 0.5, yawDeg * DEG);
    const rect = lShapeRectangle(xy);
    const angleDeg = ((rect.angleRad / DEG) % 90 + 90) % 90;
    expect(Math.min(Math.abs(angleDeg - (yawDeg % 90)), 90 - Math.abs(angleDeg - (yawDeg % 90)))).toBeLessThan(0.5);
    expect([rect.sizeU, rect.sizeV].sort()).toEqual([expect.closeTo(0.5, 1), expect.closeTo(1.2, 1)]);
    // The hull of an L is a right triangle: min-area ties between a leg and the hypotenuse.
    const tri = minAreaRectangle(convexHull2d(xy));
    expect(tri.sizeU * tri.sizeV).toBeCloseTo(1.2 * 0.5, 1);
  });

  it("handles one point and collinear points without NaN", () => {
    const one = lShapeRectangle(new Float64Array([1, 2]));
    expect([one.sizeU, one.sizeV, ...one.center].every(Number.isFinite)).toBe(true);
    const line = lShapeRectangle(new Float64Array([0, 0, 1, 1, 2, 2]));
    expect(Math.max(line.sizeU, line.sizeV)).toBeCloseTo(Math.hypot(2, 2), 6);
    expect(Math.min(line.sizeU, line.sizeV)).toBeCloseTo(0, 6);
    expect(() => lShapeRectangle(new Float64Array(0))).toThrow(RangeError);
  });
});

describe("circle and sphere fits", () => {
  it("fits a circle to a partial arc exactly", () => {
    const xy: number[] = [];
    for (let a = 200; a <= 340; a += 5) xy.push(5 + 0.3 * Math.cos(a * DEG), -2 + 0.3 * Math.sin(a * DEG));
    const fit = fitCircle(new Float64Array(xy))!;
    expect(fit.center[0]).toBeCloseTo(5, 6);
    expect(fit.center[1]).toBeCloseTo(-2, 6);
    expect(fit.radius).toBeCloseTo(0.3, 6);
    expect(fit.rms).toBeLessThan(1e-6);
    expect(fitCircle(new Float64Array([0, 0, 1, 1, 2, 2]))).toBeNull();
  });

  it("fits a sphere to a cap", () => {
    const pts: number[] = [];
    for (let t = 10; t <= 80; t += 7) for (let p = 180; p <= 360; p += 10) pts.push(1 + 0.4 * Math.sin(t * DEG) * Math.cos(p * DEG), 2 + 0.4 * Math.sin(t * DEG) * Math.sin(p * DEG), 0.4 + 0.4 * Math.cos(t * DEG));
    const fit = fitSphere(new Float32Array(pts))!;
    expect(fit.radius).toBeCloseTo(0.4, 4);
    expect(fit.center[2]).toBeCloseTo(0.4, 4);
  });
});

describe("fitUprightBox", () => {
  it("gives a half-seen cylinder its full diameter and true centre", () => {
    const { box, shape } = fitUprightBox(cylinderSide(0.25, 0.6, 200, 340));
    expect(shape).toBe("circle");
    expect(box.widthM).toBeCloseTo(0.5, 3);
    expect(box.lengthM).toBeCloseTo(0.5, 3);
    expect(box.center[0]).toBeCloseTo(1, 3);
    expect(box.center[1]).toBeCloseTo(2, 3);
    expect(box.heightM).toBeCloseTo(0.6, 2);
  });

  it("recognises a cylinder from its outline when its top face is in view", () => {
    const side = Array.from(cylinderSide(0.25, 0.6, 200, 340));
    for (let r = 0; r < 0.25; r += 0.02) for (let a = 0; a < 360; a += 10) side.push(1 + r * Math.cos(a * DEG), 2 + r * Math.sin(a * DEG), 0.6);
    for (let a = 0; a < 360; a += 4) side.push(1 + 0.25 * Math.cos(a * DEG), 2 + 0.25 * Math.sin(a * DEG), 0.6);
    const { box, shape } = fitUprightBox(new Float32Array(side));
    expect(shape).toBe("circle");
    expect(box.widthM).toBeCloseTo(0.5, 2);
  });

  it("keeps boxes as rectangles with height from the vertical extent", () => {
    const xy = lShape(1.0, 0.4, 20 * DEG);
    const pts: number[] = [];
    for (let i = 0; i < xy.length; i += 2) for (let k = 0; k <= 16; k++) pts.push(xy[i], xy[i + 1], (0.8 * k) / 16);
    const { box, shape } = fitUprightBox(new Float32Array(pts));
    expect(shape).toBe("rectangle");
    expect(box.heightM).toBeCloseTo(0.8, 6);
    expect(box.widthM).toBeCloseTo(1.0, 1);
    expect(box.lengthM).toBeCloseTo(0.4, 1);
    expect(box.yawRad / DEG).toBeCloseTo(20, 0);
  });

  it("never returns NaN for degenerate clouds", () => {
    for (const pts of [new Float32Array([1, 2, 3]), new Float32Array([0, 0, 0, 1, 0, 0, 2, 0, 0]), new Float32Array(60).fill(0.5)]) {
      const { box } = fitUprightBox(pts);
      expect([...box.center, box.widthM, box.lengthM, box.heightM, box.yawRad].every(Number.isFinite)).toBe(true);
    }
    expect(() => fitUprightBox(new Float32Array(0))).toThrow(RangeError);
  });
});
