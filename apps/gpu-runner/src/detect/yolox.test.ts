import { afterAll, describe, expect, it } from "vitest";
import { fixtureImage, realModel } from "../testing/fixtures.js";
import { decodeYoloxOutput, YoloxDetector } from "./yolox.js";

const labels = ["person", "car", "dog"];
const strides = [8, 16, 32];
// 64×64 input: 8² + 4² + 2² = 84 cells.
const cells = 84;

function output(place: Array<{ row: number; values: number[] }>): Float32Array {
  const out = new Float32Array(cells * 8);
  for (const { row, values } of place) out.set(values, row * 8);
  return out;
}

const base = { inputWidth: 64, inputHeight: 64, strides, scaleX: 0.5, scaleY: 0.5, imageWidth: 128, imageHeight: 100, scoreThreshold: 0.3, labels };

describe("decodeYoloxOutput", () => {
  it("decodes one hand-placed cell to its exact box, label and score", () => {
    // Stride 16, gx = 2, gy = 1: row 64 + 1·4 + 2. cx = (0.5 + 2)·16 = 40, cy = (0.25 + 1)·16 = 20,
    // w = 2·16 = 32, h = 1.5·16 = 24 → input box [24, 8, 56, 32] → ÷ 0.5 → [48, 16, 112, 64].
    const out = output([{ row: 70, values: [0.5, 0.25, Math.log(2), Math.log(1.5), 0.9, 0.1, 0.8, 0.3] }]);
    const dets = decodeYoloxOutput(out, base);
    expect(dets).toHaveLength(1);
    expect(dets[0].label).toBe("car");
    expect(dets[0].score).toBeCloseTo(0.72, 6);
    dets[0].box2d.forEach((v, i) => expect(v).toBeCloseTo([48, 16, 112, 64][i], 4));
  });

  it("orders cells stride 8 first, row-major, and clamps boxes to the image", () => {
    // Stride 8, gx = 7, gy = 0 (row 7): cx = 7·8 = 56, w = 32 → [40, -16, 72, 16] → [80, -32, 144, 32] → clamped to [80, 0, 128, 32].
    const out = output([{ row: 7, values: [0, 0, Math.log(4), Math.log(4), 1, 0.9, 0, 0] }]);
    const [d] = decodeYoloxOutput(out, base);
    expect(d.label).toBe("person");
    d.box2d.forEach((v, i) => expect(v).toBeCloseTo([80, 0, 128, 32][i], 4));
  });

  it("drops rows below the threshold and boxes lying wholly in the letterbox padding", () => {
    const out = output([
      { row: 0, values: [0, 0, 0, 0, 0.5, 0.5, 0, 0] }, // score 0.25
      // Stride 32, gx = 1, gy = 1 (row 83): cy = (1.5 + 1)·32 = 80, h = 32 → input y 64..96 →
      // original 128..192, wholly below the 100-px-high image (the letterbox padding).
      { row: 83, values: [0.5, 1.5, 0, 0, 1, 0, 0, 1] },
    ]);
    expect(decodeYoloxOutput(out, base)).toEqual([]);
  });

  it("throws on an output of the wrong size, naming the expectation", () => {
    expect(() => decodeYoloxOutput(new Float32Array(10), base)).toThrow(/expected 84 cells × 8/);
  });
});

describe("YoloxDetector on the real YOLOX-nano", () => {
  // Loaded by the first test that needs it, so a missing model file fails each test by name.
  let loaded: Promise<YoloxDetector> | undefined;
  const load = () => (loaded ??= Promise.resolve().then(() => {
    const { path, entry } = realModel("yolox-nano-coco");
    return YoloxDetector.load(path, entry);
  }));
  afterAll(async () => (await loaded?.catch(() => null))?.dispose());

  it("finds at least two parked cars with score ≥ 0.5 on the KITTI street", async () => {
    const image = await fixtureImage("kitti_000008/rgb.png");
    const dets = await (await load()).detect(image);
    const cars = dets.filter((d) => d.label === "car" && d.score >= 0.5);
    expect(cars.length).toBeGreaterThanOrEqual(2);
    for (const d of dets) {
      expect(d.box2d[0]).toBeGreaterThanOrEqual(0);
      expect(d.box2d[2]).toBeLessThanOrEqual(image.width);
      expect(d.box2d[3]).toBeLessThanOrEqual(image.height);
      expect(d.box2d[2]).toBeGreaterThan(d.box2d[0]);
    }
    // Sorted best first.
    expect(dets.map((d) => d.score)).toEqual([...dets.map((d) => d.score)].sort((a, b) => b - a));
  });

  it("finds a couch or chair in the living room", async () => {
    const image = await fixtureImage("unidepth_demo/rgb.png");
    const dets = await (await load()).detect(image);
    expect(dets.some((d) => ["couch", "chair"].includes(d.label))).toBe(true);
  });

  it("throws after dispose", async () => {
    const { path, entry } = realModel("yolox-nano-coco");
    const d = await YoloxDetector.load(path, entry);
    await d.dispose();
    await expect(d.detect({ width: 1, height: 1, rgb: new Uint8Array(3) })).rejects.toThrow(/disposed/);
  });
});
