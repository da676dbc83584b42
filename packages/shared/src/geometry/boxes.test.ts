import { describe, expect, it } from "vitest";
import { axisAlignedBox, convexHull2d, minAreaRectangle, uprightBox, uprightBoxCorners, uprightBoxDistance } from "./boxes.js";
import { createRng } from "./random.js";
import type { UprightBox } from "./types.js";

const DEG = Math.PI / 180;

/** Surface samples of an axis-aligned sx×sy×sz box with a corner at the origin, every `step` metres (corners included). */
function boxSurface(sx: number, sy: number, sz: number, step: number): number[][] {
  const out: number[][] = [];
  const ticks = (s: number) => Array.from({ length: Math.round(s / step) + 1 }, (_, i) => Math.min(s, i * step));
  for (const x of ticks(sx)) for (const y of ticks(sy)) for (const z of ticks(sz)) {
    if (x === 0 || x === sx || y === 0 || y === sy || z === 0 || z === sz) out.push([x, y, z]);
  }
  return out;
}

function yawAndShift(points: number[][], yaw: number, shift: [number, number, number]): Float32Array {
  const c = Math.cos(yaw), s = Math.sin(yaw);
  return Float32Array.from(points.flatMap(([x, y, z]) => [c * x - s * y + shift[0], s * x + c * y + shift[1], z + shift[2]]));
}

function signedArea(xy: Float64Array): number {
  let a = 0;
  const h = xy.length / 2;
  for (let i = 0; i < h; i++) {
    const j = (i + 1) % h;
    a += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
  }
  return a / 2;
}

describe("axisAlignedBox", () => {
  it("spans the points and refuses an empty cloud", () => {
    expect(axisAlignedBox(new Float32Array([1, 5, -2, 0, 7, 3, 2, 6, 0]))).toEqual({ min: [0, 5, -2], max: [2, 7, 3] });
    expect(() => axisAlignedBox(new Float32Array(0))).toThrow(RangeError);
  });
});

describe("convexHull2d", () => {
  it("keeps the corners counter-clockwise from the lowest-x point, dropping interior and collinear points", () => {
    const xy = Float64Array.from([0.5, 0.5, 1, 1, 0, 1, 0.5, 0, 1, 0, 0, 0, 1, 0.5, 0.2, 0.7, 0, 0.5, 0, 0]);
    expect(Array.from(convexHull2d(xy))).toEqual([0, 0, 1, 0, 1, 1, 0, 1]);
  });

  it("returns a strictly convex counter-clockwise polygon holding every point (many random points)", () => {
    const rng = createRng(3);
    const xy = Float64Array.from({ length: 4000 }, () => rng() * 2 - 1);
    const hull = convexHull2d(xy);
    const h = hull.length / 2;
    expect(h).toBeGreaterThan(5);
    expect(signedArea(hull)).toBeGreaterThan(0);
    const inputs = new Set(Array.from({ length: 2000 }, (_, i) => `${xy[2 * i]},${xy[2 * i + 1]}`));
    for (let k = 0; k < h; k++) {
      expect(inputs.has(`${hull[2 * k]},${hull[2 * k + 1]}`)).toBe(true);
      const a = k, b = (k + 1) % h, c = (k + 2) % h;
      const turn = (hull[2 * b] - hull[2 * a]) * (hull[2 * c + 1] - hull[2 * a + 1]) - (hull[2 * b + 1] - hull[2 * a + 1]) * (hull[2 * c] - hull[2 * a]);
      expect(turn).toBeGreaterThan(0);
      for (let i = 0; i < 2000; i++) {
        const side = (hull[2 * b] - hull[2 * a]) * (xy[2 * i + 1] - hull[2 * a + 1]) - (hull[2 * b + 1] - hull[2 * a + 1]) * (xy[2 * i] - hull[2 * a]);
        expect(side).toBeGreaterThanOrEqual(-1e-12);
      }
    }
  });

  it("degenerates gracefully: collinear → two ends, repeated point → one, none → none", () => {
    expect(Array.from(convexHull2d(Float64Array.from([2, 2, 0, 0, 1, 1, 3, 3, 1, 1])))).toEqual([0, 0, 3, 3]);
    expect(Array.from(convexHull2d(Float64Array.from([4, 5, 4, 5, 4, 5])))).toEqual([4, 5]);
    expect(Array.from(convexHull2d(Float64Array.from([4, 5])))).toEqual([4, 5]);
    expect(convexHull2d(new Float64Array(0)).length).toBe(0);
    expect(() => convexHull2d(new Float64Array(3))).toThrow(RangeError);
  });

  it("does not modify its input", () => {
    const xy = Float64Array.from([3, 1, 0, 0, 1, 2, 2, 2, 1, 1]);
    const copy = xy.slice();
    convexHull2d(xy);
    expect(xy).toEqual(copy);
  });
});

describe("minAreaRectangle", () => {
  it("recovers a rotated rectangle", () => {
    const a = 25 * DEG, c = Math.cos(a), s = Math.sin(a);
    const corners = [[0, 0], [4, 0], [4, 1], [0, 1]].flatMap(([x, y]) => [c * x - s * y + 1, s * x + c * y - 2]);
    const rect = minAreaRectangle(convexHull2d(Float64Array.from(corners)));
    expect(rect.sizeU * rect.sizeV).toBeCloseTo(4, 10);
    expect([rect.sizeU, rect.sizeV].sort()).toEqual([expect.closeTo(1, 10), expect.closeTo(4, 10)]);
    const longAngle = rect.sizeU > rect.sizeV ? rect.angleRad : rect.angleRad + Math.PI / 2;
    expect(Math.abs(Math.sin(longAngle - a))).toBeLessThan(1e-10);
    expect(rect.center[0]).toBeCloseTo(1 + c * 2 - s * 0.5, 10);
    expect(rect.center[1]).toBeCloseTo(-2 + s * 2 + c * 0.5, 10);
  });

  it("matches a brute-force search over hull edges on random hulls", () => {
    const rng = createRng(4);
    for (let trial = 0; trial < 20; trial++) {
      const hull = convexHull2d(Float64Array.from({ length: 60 }, () => rng() * 3));
      const h = hull.length / 2;
      let best = Infinity;
      for (let i = 0; i < h; i++) {
        const j = (i + 1) % h;
        const ux = hull[2 * j] - hull[2 * i], uy = hull[2 * j + 1] - hull[2 * i + 1], l = Math.hypot(ux, uy);
        let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
        for (let k = 0; k < h; k++) {
          const u = (hull[2 * k] * ux + hull[2 * k + 1] * uy) / l, v = (hull[2 * k + 1] * ux - hull[2 * k] * uy) / l;
          u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v);
        }
        best = Math.min(best, (u1 - u0) * (v1 - v0));
      }
      const rect = minAreaRectangle(hull);
      expect(rect.sizeU * rect.sizeV).toBeCloseTo(best, 10);
    }
  });

  it("gives zero-size rectangles for one or two vertices and refuses none", () => {
    expect(minAreaRectangle(Float64Array.from([2, 3]))).toEqual({ center: [2, 3], angleRad: 0, sizeU: 0, sizeV: 0 });
    const seg = minAreaRectangle(Float64Array.from([0, 0, 0, 2]));
    expect(seg).toEqual({ center: [0, 1], angleRad: Math.PI / 2, sizeU: 2, sizeV: 0 });
    expect(() => minAreaRectangle(new Float64Array(0))).toThrow(RangeError);
  });
});

describe("uprightBox", () => {
  const surface = boxSurface(2, 3, 4, 0.25); // centre (1, 1.5, 2) before the motion below

  const cases: Array<[yawDeg: number, width: number, length: number, expectedYawDeg: number]> = [
    [0, 2, 3, 0],
    [20, 2, 3, 20],
    [-30, 2, 3, -30],
    [70, 3, 2, -20], // the 2 m side now runs closer to y, so the 3 m side (at -20°) is the width
    [100, 3, 2, 10],
    [180, 2, 3, 0],
  ];
  for (const [yawDeg, width, length, expectedYawDeg] of cases) {
    it(`recovers a 2×3×4 box turned by ${yawDeg}° (min-area and PCA)`, () => {
      const yaw = yawDeg * DEG;
      const points = yawAndShift(surface, yaw, [5, -2, 0.5]);
      const cx = Math.cos(yaw) * 1 - Math.sin(yaw) * 1.5 + 5, cy = Math.sin(yaw) * 1 + Math.cos(yaw) * 1.5 - 2;
      for (const method of ["min-area", "pca"] as const) {
        const box = uprightBox(points, method);
        const tol = method === "min-area" ? 5 : 3;
        expect(box.center[0]).toBeCloseTo(cx, tol);
        expect(box.center[1]).toBeCloseTo(cy, tol);
        expect(box.center[2]).toBeCloseTo(2.5, 5);
        expect(box.widthM).toBeCloseTo(width, tol);
        expect(box.lengthM).toBeCloseTo(length, tol);
        expect(box.heightM).toBeCloseTo(4, 5);
        expect(box.yawRad / DEG).toBeCloseTo(expectedYawDeg, tol - 2);
        expect(box.yawRad > -Math.PI / 2 && box.yawRad <= Math.PI / 2).toBe(true);
      }
    });
  }

  it("gives valid boxes with zero extent for one point and for collinear points, never NaN", () => {
    expect(uprightBox(new Float32Array([1, 2, 3]))).toEqual({ center: [1, 2, 3], widthM: 0, lengthM: 0, heightM: 0, yawRad: 0 });
    expect(uprightBox(new Float32Array(9).fill(2), "pca")).toEqual({ center: [2, 2, 2], widthM: 0, lengthM: 0, heightM: 0, yawRad: 0 });
    const alongX = uprightBox(new Float32Array([0, 0, 0, 1, 0, 0, 3, 0, 1]));
    expect(alongX).toEqual({ center: [1.5, 0, 0.5], widthM: 3, lengthM: 0, heightM: 1, yawRad: 0 });
    const alongY = uprightBox(new Float32Array([0, 0, 0, 0, 2, 0]));
    expect(alongY.widthM).toBe(0);
    expect(alongY.lengthM).toBe(2);
    expect(alongY.yawRad).toBeCloseTo(0, 12);
    const diagonal = uprightBox(Float32Array.from([0, 0, 0, Math.cos(30 * DEG), Math.sin(30 * DEG), 0]), "pca");
    expect(diagonal.widthM).toBeCloseTo(1, 6);
    expect(diagonal.lengthM).toBeCloseTo(0, 6);
    expect(diagonal.yawRad / DEG).toBeCloseTo(30, 4);
    for (const box of [alongX, alongY, diagonal]) for (const v of [...box.center, box.widthM, box.lengthM, box.heightM, box.yawRad]) expect(Number.isNaN(v)).toBe(false);
  });

  it("refuses an empty cloud and leaves its input alone", () => {
    expect(() => uprightBox(new Float32Array(0))).toThrow(RangeError);
    const points = yawAndShift(surface, 0.3, [0, 0, 0]);
    const copy = points.slice();
    uprightBox(points);
    uprightBox(points, "pca");
    expect(points).toEqual(copy);
  });
});

describe("uprightBoxCorners", () => {
  it("lists the bottom then the top corners, counter-clockwise from above", () => {
    const box: UprightBox = { center: [1, 2, 3], widthM: 2, lengthM: 4, heightM: 6, yawRad: 0 };
    expect(uprightBoxCorners(box)).toEqual([
      [0, 0, 0], [2, 0, 0], [2, 4, 0], [0, 4, 0],
      [0, 0, 6], [2, 0, 6], [2, 4, 6], [0, 4, 6],
    ]);
    const turned = uprightBoxCorners({ ...box, yawRad: Math.PI / 2 });
    // The width side (corner 0 → 1) now runs along +y: (3, 1) → (3, 3).
    expect(turned[0].map((v) => +v.toFixed(12))).toEqual([3, 1, 0]);
    expect(turned[1].map((v) => +v.toFixed(12))).toEqual([3, 3, 0]);
  });
});

describe("uprightBoxDistance", () => {
  const unit = (x: number, y: number, z: number, yawRad = 0): UprightBox => ({ center: [x, y, z], widthM: 1, lengthM: 1, heightM: 1, yawRad });

  it("gives known answers: gap, rotated corner, vertical gap, both, touching, overlapping", () => {
    expect(uprightBoxDistance(unit(0, 0, 0), unit(3, 0, 0))).toBeCloseTo(2, 12);
    expect(uprightBoxDistance(unit(0, 0, 0), unit(3, 0, 0, Math.PI / 4))).toBeCloseTo(2.5 - Math.SQRT1_2, 12);
    expect(uprightBoxDistance(unit(0, 0, 0), unit(0, 0, 5))).toBeCloseTo(4, 12);
    expect(uprightBoxDistance(unit(0, 0, 0), unit(3, 0, 5))).toBeCloseTo(Math.sqrt(20), 12);
    expect(uprightBoxDistance(unit(0, 0, 0), unit(1, 0, 0.5))).toBe(0);
    expect(uprightBoxDistance(unit(0, 0, 0, 0.3), unit(0.2, 0.1, 0.4, 1.1))).toBe(0);
    const big: UprightBox = { center: [0, 0, 0], widthM: 10, lengthM: 10, heightM: 1, yawRad: 0.2 };
    expect(uprightBoxDistance(big, unit(1, 1, 0))).toBe(0); // containment, no edge crossing
  });

  it("agrees with dense sampling on random boxes, and is symmetric", () => {
    const rng = createRng(6);
    const fill = (b: UprightBox): number[][] => {
      const out: number[][] = [];
      const c = Math.cos(b.yawRad), s = Math.sin(b.yawRad);
      for (let i = 0; i <= 20; i++) for (let j = 0; j <= 20; j++) {
        const u = (i / 20 - 0.5) * b.widthM, v = (j / 20 - 0.5) * b.lengthM;
        out.push([b.center[0] + c * u - s * v, b.center[1] + s * u + c * v]);
      }
      return out;
    };
    for (let trial = 0; trial < 30; trial++) {
      const random = (): UprightBox => ({
        center: [rng() * 4, rng() * 4, rng() * 2],
        widthM: 0.2 + rng() * 1.5,
        lengthM: rng() * 1.5,
        heightM: rng(),
        yawRad: (rng() - 0.5) * Math.PI,
      });
      const a = random(), b = random();
      let h2 = Infinity;
      for (const p of fill(a)) for (const q of fill(b)) h2 = Math.min(h2, (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2);
      const gap = Math.max(0, Math.abs(a.center[2] - b.center[2]) - (a.heightM + b.heightM) / 2);
      const sampled = Math.sqrt(h2 + gap * gap);
      const exact = uprightBoxDistance(a, b);
      expect(exact).toBeLessThanOrEqual(sampled + 1e-9);
      expect(sampled - exact).toBeLessThan(0.1);
      expect(uprightBoxDistance(b, a)).toBeCloseTo(exact, 12);
    }
  });
});

describe("axisAlignedBox on bad coordinates", () => {
  it("refuses a non-finite coordinate rather than returning a NaN box", () => {
    expect(() => axisAlignedBox(new Float32Array([0, 0, 0, NaN, 1, 1]))).toThrow(RangeError);
  });
});
