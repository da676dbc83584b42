import { describe, expect, it } from "vitest";
import type { RgbImage } from "../image/rgb-image.js";
import { ModelEntry } from "../models/manifest.js";
import { tinyDepthNet } from "../testing/tiny-models.js";
import { MetricDepthModel, postprocessDepth } from "./metric-depth-model.js";

function entry(preprocess: Record<string, unknown>, options: Record<string, unknown> = {}): ModelEntry {
  return ModelEntry.parse({
    name: "tiny-depth",
    task: "metric-depth",
    description: "test graph",
    files: { model: { file: "tiny.onnx", url: "https://example.com/tiny.onnx", sha256: "0".repeat(64) } },
    inputs: { image: "pixel_values" },
    outputs: { depth: "predicted_depth" },
    preprocess,
    options,
  });
}

/** Grey level per pixel from f(x, y); depth of the tiny net is then 10 × f / 255. */
function image(width: number, height: number, f: (x: number, y: number) => number): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.fill(f(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, rgb };
}

const at = (d: { width: number; data: ArrayLike<number> }, x: number, y: number) => d.data[y * d.width + x];

describe("MetricDepthModel", () => {
  it("returns metres at the image's size from a [1, H, W] output", async () => {
    const model = await MetricDepthModel.load(tinyDepthNet(false), entry({ width: 8, height: 8 }));
    const depth = await model.estimate(image(12, 6, () => 51)); // 10 × 51/255 = 2 m
    expect([depth.width, depth.height, depth.unitsPerMetre]).toEqual([12, 6, 1]);
    for (const v of depth.data) expect(v).toBeCloseTo(2, 5);
    await model.dispose();
    await expect(model.estimate(image(2, 2, () => 0))).rejects.toThrow(/disposed/);
  });

  it("resizes back with the input's geometry: a linear ramp stays linear away from the borders", async () => {
    // 16×4 stretched to 8×8: the network sees half the columns and twice the rows.
    const model = await MetricDepthModel.load(tinyDepthNet(false), entry({ width: 8, height: 8 }));
    const depth = await model.estimate(image(16, 4, (x) => 10 + 10 * x));
    for (let x = 2; x < 14; x++) for (const y of [0, 3]) expect(at(depth, x, y)).toBeCloseTo((10 * (10 + 10 * x)) / 255, 4);
    await model.dispose();
  });

  it("never blends a letterbox's padding into the depth, also from a half-resolution [1, 1, H, W] output", async () => {
    // 8×4 letterboxed into 8×8: rows 4-7 are padding (grey 255 → 10 m); the image is 51 → 2 m.
    const model = await MetricDepthModel.load(tinyDepthNet(true), entry({ width: 8, height: 8, resize: "letterbox", padValue: 255 }));
    const depth = await model.estimate(image(8, 4, () => 51));
    expect([depth.width, depth.height]).toEqual([8, 4]);
    for (const v of depth.data) expect(v).toBeCloseTo(2, 5);
    await model.dispose();
  });

  it("applies millimetres, Metric3D focal normalisation with the resize scale, and the depth cut-off", async () => {
    const mm = await MetricDepthModel.load(tinyDepthNet(false), entry({ width: 8, height: 8, resize: "letterbox" }, { outputUnit: "millimetres" }));
    expect(at(await mm.estimate(image(4, 4, () => 51)), 1, 1)).toBeCloseTo(0.002, 7);
    await mm.dispose();

    // 4×4 → 16×16 is a ×4 resize: fx 250 px becomes 1000 px in the network's input, 2× the canonical 500.
    const m3d = await MetricDepthModel.load(tinyDepthNet(false), entry({ width: 16, height: 16, resize: "letterbox" }, { focalNormalisation: 500, maxDepthM: 5 }));
    const k = { fx: 250, fy: 250, cx: 1.5, cy: 1.5 };
    expect(at(await m3d.estimate(image(4, 4, () => 51), k), 2, 2)).toBeCloseTo(4, 5); // 2 m × 2
    expect(at(await m3d.estimate(image(4, 4, () => 102), k), 2, 2)).toBe(0); // 4 m × 2 = 8 m > maxDepthM: no reading
    await expect(m3d.estimate(image(4, 4, () => 51))).rejects.toThrow(/pass the image's intrinsics/);
    await m3d.dispose();
  });

  it("refuses entries of another task and malformed options", async () => {
    const detector = { ...entry({ width: 8, height: 8 }), task: "detection" as const };
    await expect(MetricDepthModel.load(tinyDepthNet(false), detector)).rejects.toThrow(/detection model, not metric-depth/);
    await expect(MetricDepthModel.load(tinyDepthNet(false), entry({ width: 8, height: 8 }, { outputUnit: "feet" }))).rejects.toThrow(/invalid metric-depth options: outputUnit/);
  });
});

describe("postprocessDepth", () => {
  const g = { preprocess: ModelEntry.shape.preprocess.parse({ width: 2, height: 2 }), scaleX: 1, scaleY: 1, width: 2, height: 2 };
  const options = { outputUnit: "metres" as const, maxDepthM: 80 };

  it("turns NaN, negative and too-far predictions into 0 and does not average them in", () => {
    const out = postprocessDepth({ data: new Float32Array([NaN, -1, 500, 4]), dims: [1, 2, 2] }, g, options);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 4]);
    const up = postprocessDepth({ data: new Float32Array([2, 0, 0, 4]), dims: [1, 2, 2] }, { ...g, width: 4, height: 4 }, options);
    // Every output is a blend of 2 and 4 only (the zeros carry no weight), or 0 where only a missing
    // reading is near.
    for (const v of up.data) expect(v === 0 || (v >= 2 && v <= 4)).toBe(true);
    expect(Array.from(up.data).filter((v) => v > 0).length).toBeGreaterThan(8);
  });

  it("refuses a batch of more than one", () => {
    expect(() => postprocessDepth({ data: new Float32Array(8), dims: [2, 2, 2] }, g, options)).toThrow(/\[1, H, W\] or \[1, 1, H, W\], got \[2, 2, 2\]/);
  });
});
