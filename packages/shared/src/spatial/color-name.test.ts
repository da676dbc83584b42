import { describe, expect, it } from "vitest";
import { BASIC_COLORS, colorName, meanRgb, objectColor, objectRgb, oklch } from "./color-name.js";
import { renderScene, maskOf, type ObjectSpec } from "../testing/index.js";

/** Representative sRGB colours of each basic name (CSS named colours and everyday shades). */
const SWATCHES: Record<(typeof BASIC_COLORS)[number], Array<[number, number, number]>> = {
  red: [[220, 30, 30], [120, 20, 20], [128, 0, 0], [220, 20, 60], [178, 34, 34], [255, 0, 0]],
  orange: [[240, 140, 20], [255, 165, 0], [255, 127, 80], [255, 140, 0], [230, 120, 40]],
  yellow: [[240, 220, 40], [255, 255, 0], [212, 175, 55], [250, 230, 100], [255, 215, 0]],
  green: [[30, 160, 40], [0, 100, 0], [150, 220, 50], [34, 139, 34], [60, 179, 113], [128, 128, 0]],
  cyan: [[30, 200, 210], [0, 128, 128], [0, 255, 255], [64, 224, 208], [32, 178, 170]],
  blue: [[40, 60, 200], [0, 0, 128], [135, 206, 235], [70, 130, 180], [30, 144, 255], [0, 0, 255]],
  purple: [[130, 40, 160], [128, 0, 128], [75, 0, 130], [148, 0, 211], [180, 160, 230]],
  pink: [[250, 160, 200], [255, 105, 180], [255, 192, 203], [255, 20, 147], [238, 130, 238], [255, 0, 255], [199, 21, 133]],
  // …and the dark, weakly saturated reds of wood and leather in real photos (walnut, mahogany drawers).
  brown: [[120, 70, 30], [139, 69, 19], [160, 82, 45], [210, 180, 140], [101, 67, 33], [75, 53, 48], [92, 64, 51]],
  white: [[250, 250, 250], [245, 245, 220], [255, 250, 240], [235, 235, 235]],
  gray: [[128, 128, 128], [169, 169, 169], [105, 105, 105], [112, 128, 144]],
  black: [[15, 15, 15], [40, 40, 40], [0, 0, 0], [30, 30, 40]],
};

const shade = (rgb: readonly number[], f: number) => rgb.map((v) => Math.round(v * f)) as [number, number, number];

describe("colorName", () => {
  it.each(BASIC_COLORS.map((name) => [name] as const))("names every swatch of %s, and its lit shades (×0.9, ×0.95)", (name) => {
    for (const rgb of SWATCHES[name]) {
      for (const f of [1, 0.95, 0.9]) expect(colorName(shade(rgb, f)), `${rgb} × ${f}`).toBe(name);
    }
  });

  it("keeps the hue name of a chromatic colour under deep shading (×0.5)", () => {
    for (const name of ["red", "green", "blue", "purple", "cyan"] as const) {
      for (const rgb of SWATCHES[name].slice(0, 2)) expect(colorName(shade(rgb, 0.5)), `${rgb}`).toBe(name);
    }
  });

  it("hue and chroma / lightness do not change under shading (lightness is apart)", () => {
    const lit = oklch([250, 160, 200]), dark = oklch(shade([250, 160, 200], 0.6));
    expect(dark.hDeg).toBeCloseTo(lit.hDeg, 0);
    expect(dark.c / dark.l).toBeCloseTo(lit.c / lit.l, 1);
    expect(dark.l).toBeLessThan(lit.l);
  });

  it("a pink ball is pink, not red", () => {
    expect(colorName([250, 160, 200])).toBe("pink");
    expect(colorName([220, 30, 30])).toBe("red");
  });
});

describe("meanRgb / objectRgb", () => {
  it("averages only mask pixels inside the box", () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 0, 255]);
    expect(meanRgb(rgb, 2, [0, 0, 2, 1])).toEqual([128, 0, 128]);
    expect(meanRgb(rgb, 2, [0, 0, 2, 1], new Uint8Array([0, 1]))).toEqual([0, 0, 255]);
  });

  it("reads the lit part of an object: a rendered white box is white, a pink ball pink", () => {
    const camera = { position: [0, 0, 1.6] as [number, number, number], yawRad: 0, pitchRad: 0.5, focalPx: 500, width: 320, height: 240 };
    const objects: ObjectSpec[] = [
      { kind: "box", id: "box", label: "box", color: [235, 235, 235], center: [-0.5, 2.5, 0.3], widthM: 0.6, lengthM: 0.6, heightM: 0.6, yawRad: 0.6 },
      { kind: "sphere", id: "ball", label: "ball", color: [250, 160, 200], center: [0.5, 2.5, 0.25], radiusM: 0.25 },
    ];
    const render = renderScene({ camera, objects });
    const named = render.objects.map((o) => colorName(objectRgb(render.rgb, render.width, o.box2d!, maskOf(render, o.index))!));
    expect(named).toEqual(["white", "pink"]);
  });

  /** An object of `n` pixels: `base` scaled by the shading factors, in turn. */
  const object = (base: readonly number[], factors: readonly number[], n = 400) => {
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) shade(base, factors[i % factors.length]).forEach((v, c) => (rgb[i * 3 + c] = v));
    return { rgb, box: [0, 0, n, 1] as const, width: n };
  };
  const named = (o: ReturnType<typeof object>) => colorName(objectRgb(o.rgb, o.width, o.box)!);

  it("a white object is white though half of it lies in shade", () => {
    expect(named(object([240, 240, 235], [1, 1, 0.55, 0.45]))).toBe("white");
  });

  it("a glossy black car whose windows and reflections fill its lit quarter is black; a gray one stays gray", () => {
    const glossy = object([22, 22, 25], [1, 1, 1, 1, 1, 1, 1, 4, 5, 6, 7, 8]); // 5 in 12 pixels reflect the sky
    expect(named(glossy)).toBe("gray");
    expect(objectColor(glossy.rgb, glossy.width, glossy.box)!.name).toBe("black");
    const gray = object([120, 120, 125], [1, 0.8, 1.1, 0.9]);
    expect(objectColor(gray.rgb, gray.width, gray.box)!.name).toBe("gray");
  });

  it("highlights do not lighten a black car, or tint a blue one white", () => {
    const car = object([25, 25, 28], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10]); // one pixel in 12 is sky reflected, near white
    expect(named(car)).toBe("black");
    const blue = object([30, 60, 150], [1, 0.8, 1, 0.9, 1, 1, 1, 1, 1, 1, 1, 1.7]);
    expect(named(blue)).toBe("blue");
  });

  it("keeps a saturated dark red red, and names dark wood brown", () => {
    expect(named(object([110, 20, 25], [1, 0.7, 0.5]))).toBe("red");
    expect(named(object([70, 50, 48], [1, 0.8, 0.6]))).toBe("brown");
  });

  it("has nothing to name in an empty mask", () => {
    expect(objectRgb(new Uint8Array(12), 4, [0, 0, 4, 1], new Uint8Array(4))).toBeUndefined();
  });
});
