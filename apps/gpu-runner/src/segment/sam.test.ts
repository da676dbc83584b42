import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boxPixelRange, type Box2d } from "../detect/detection.js";
import { ModelEntry } from "../models/manifest.js";
import { tinyDecoder, tinyEncoder } from "../testing/tiny-models.js";
import { bestMask, boxPrompt, SamSegmenter } from "./sam.js";


const entry = ModelEntry.parse({
  name: "tiny-sam",
  task: "promptable-segmentation",
  description: "test",
  files: {
    model: { file: "encoder.onnx", url: "https://example.com/e.onnx", sha256: "0".repeat(64) },
    decoder: { file: "decoder.onnx", url: "https://example.com/d.onnx", sha256: "0".repeat(64) },
  },
  inputs: { image: "image" },
  outputs: {},
  preprocess: { width: 1024, height: 1024, resize: "letterbox", scale: 1, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
});

function boxMask(box: Box2d, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const { u0, u1, v0, v1 } = boxPixelRange(box, width, height);
  for (let v = v0; v <= v1; v++) mask.fill(1, v * width + u0, v * width + u1 + 1);
  return mask;
}

function differingPixels(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe("boxPrompt and bestMask", () => {
  it("scales the corners to the encoder input and labels them 2 and 3", () => {
    const { coords, labels } = boxPrompt([10, 20, 30, 40], 2, 0.5);
    expect(Array.from(coords)).toEqual([20, 10, 60, 20]);
    expect(Array.from(labels)).toEqual([2, 3]);
  });

  it("picks the mask with the highest IoU prediction and thresholds its logits", () => {
    const masks = { data: new Float32Array([1, 1, 1, 1, /**/ -1, 0.5, 0, 2]), dims: [1, 2, 2, 2] };
    expect(bestMask(masks, new Float32Array([0.1, 0.8]), 2, 2)).toEqual({ mask: new Uint8Array([0, 1, 0, 1]), index: 1, iouPrediction: expect.closeTo(0.8, 6) });
    expect(() => bestMask(masks, new Float32Array([0.1, 0.8]), 3, 2)).toThrow(/expected \[1, M, 2, 3\]/);
  });
});

describe("SamSegmenter on tiny SAM-shaped graphs", () => {
  let sam: SamSegmenter;
  beforeAll(async () => {
    sam = await SamSegmenter.load({ model: tinyEncoder(), decoder: tinyDecoder() }, entry);
  });
  afterAll(async () => sam?.dispose());

  it("refuses prompts before embed()", async () => {
    await expect(sam.maskForBox([0, 0, 1, 1])).rejects.toThrow(/embed\(image\)/);
  });

  it("turns a box in original pixels into the decoder's prompt and returns the best mask at the original size", async () => {
    const image = { width: 400, height: 300, rgb: new Uint8Array(400 * 300 * 3).fill(128) };
    await sam.embed(image);
    for (const box of [[100.3, 50.7, 250.2, 200.9], [0, 0, 400, 300], [390.2, 10.2, 400, 299.6]] as Box2d[]) {
      const { mask, iouPrediction } = await sam.segmentBox(box);
      expect(iouPrediction).toBeCloseTo(0.9, 5);
      expect(differingPixels(mask, boxMask(box, 400, 300))).toBe(0);
    }
  });

  it("handles a portrait image (scale from the height) and throws after dispose", async () => {
    const image = { width: 90, height: 160, rgb: new Uint8Array(90 * 160 * 3) };
    await sam.embed(image);
    const box: Box2d = [10.25, 20.75, 60.4, 150.2];
    expect(differingPixels(await sam.maskForBox(box), boxMask(box, 90, 160))).toBe(0);
    const other = await SamSegmenter.load({ model: tinyEncoder(), decoder: tinyDecoder() }, entry);
    await other.dispose();
    await expect(other.embed(image)).rejects.toThrow(/disposed/);
  });
});
