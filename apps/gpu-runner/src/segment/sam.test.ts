import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boxPixelRange, type Box2d } from "../detect/detection.js";
import { ModelEntry } from "../models/manifest.js";
import { buildOnnxModel, type TinyNode } from "../testing/tiny-onnx.js";
import { bestMask, boxPrompt, SamSegmenter } from "./sam.js";

const f32 = (name: string, ...values: number[]) => ({ name, dims: [], data: new Float32Array(values) });
const i64 = (name: string, ...values: bigint[]) => ({ name, dims: [values.length], data: new BigInt64Array(values) });

/** SAM's encoder shapes: image [1, 3, 1024, 1024] → image_embeddings [1, 256, 64, 64] (16×16 mean, copied to 256 channels). */
function tinyEncoder(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "image", type: "float32", shape: [1, 3, 1024, 1024] }],
    outputs: [{ name: "image_embeddings", type: "float32", shape: [1, 256, 64, 64] }],
    initializers: [{ name: "w", dims: [256, 3, 1, 1], data: new Float32Array(768).fill(1 / 3) }],
    nodes: [
      { op: "AveragePool", inputs: ["image"], outputs: ["pooled"], attrs: { kernel_shape: [16, 16], strides: [16, 16] } },
      { op: "Conv", inputs: ["pooled", "w"], outputs: ["image_embeddings"] },
    ],
  });
}

/**
 * The official SAM decoder's inputs and outputs. With the box corners (x1, y1), (x2, y2) taken from
 * point_coords (encoder-input pixels) and s = 1024 / max(h, w), the logit at original pixel (u, v) is
 * min((u + ½)s − x1, x2 − (u + ½)s, (v + ½)s − y1, y2 − (v + ½)s): positive exactly inside the box.
 * masks = [−that, that, that − 1000]; iou_predictions = [0.5, 0.9 − |label0 − 2| − |label1 − 3|, 0.2],
 * so mask 1 wins only when the box labels are 2 and 3. Every other input is tied in with a weight of 0.
 */
function tinyDecoder(): Uint8Array {
  const nodes: TinyNode[] = [];
  const op = (o: string, inputs: string[], output: string, attrs?: TinyNode["attrs"]) => nodes.push({ op: o, inputs, outputs: [output], ...(attrs ? { attrs } : {}) });
  op("Gather", ["orig_im_size", "k0"], "h", { axis: 0 });
  op("Gather", ["orig_im_size", "k1"], "w", { axis: 0 });
  op("ReduceMax", ["orig_im_size"], "longest", { keepdims: 0 });
  op("Div", ["c1024", "longest"], "s");
  for (const [axis, size, unsq] of [["y", "h", "a1"], ["x", "w", "a0"]] as const) {
    op("Range", ["c0", size, "c1"], `${axis}_idx`);
    op("Add", [`${axis}_idx`, "half"], `${axis}_centre`);
    op("Mul", [`${axis}_centre`, "s"], `${axis}_scaled`);
    op("Unsqueeze", [`${axis}_scaled`, unsq], axis);
  }
  op("Reshape", ["point_coords", "flat"], "pc");
  ["x1", "y1", "x2", "y2"].forEach((name, i) => op("Gather", ["pc", `k${i}`], name, { axis: 0 }));
  op("Sub", ["x", "x1"], "dl");
  op("Sub", ["x2", "x"], "dr");
  op("Sub", ["y", "y1"], "dt");
  op("Sub", ["y2", "y"], "db");
  op("Min", ["dl", "dr", "dt", "db"], "inside");
  for (const t of ["image_embeddings", "mask_input", "has_mask_input", "point_labels"]) op("ReduceMean", [t], `${t}_mean`, { keepdims: 0 });
  op("Sum", ["image_embeddings_mean", "mask_input_mean", "has_mask_input_mean", "point_labels_mean"], "tie_sum");
  op("Mul", ["tie_sum", "c0"], "tie");
  op("Add", ["inside", "tie"], "m1");
  op("Neg", ["m1"], "m0");
  op("Sub", ["m1", "c1000"], "m2");
  for (const m of ["m0", "m1", "m2"]) op("Unsqueeze", [m, "a01"], `${m}_4d`);
  op("Concat", ["m0_4d", "m1_4d", "m2_4d"], "masks", { axis: 1 });
  op("Reshape", ["point_labels", "flat"], "pl");
  op("Gather", ["pl", "k0"], "l0", { axis: 0 });
  op("Gather", ["pl", "k1"], "l1", { axis: 0 });
  op("Sub", ["l0", "c2"], "e0");
  op("Sub", ["l1", "c3"], "e1");
  op("Abs", ["e0"], "ae0");
  op("Abs", ["e1"], "ae1");
  op("Sum", ["ae0", "ae1"], "label_error");
  op("Sub", ["c0_9", "label_error"], "iou1");
  for (const t of ["iou0", "iou1", "iou2"]) op("Unsqueeze", [t === "iou0" ? "c0_5" : t === "iou2" ? "c0_2" : t, "a0"], `${t}_1d`);
  op("Concat", ["iou0_1d", "iou1_1d", "iou2_1d"], "iou_flat", { axis: 0 });
  op("Unsqueeze", ["iou_flat", "a0"], "iou_predictions");
  return buildOnnxModel({
    inputs: [
      { name: "image_embeddings", type: "float32", shape: [1, 256, 64, 64] },
      { name: "point_coords", type: "float32", shape: [1, "points", 2] },
      { name: "point_labels", type: "float32", shape: [1, "points"] },
      { name: "mask_input", type: "float32", shape: [1, 1, 256, 256] },
      { name: "has_mask_input", type: "float32", shape: [1] },
      { name: "orig_im_size", type: "float32", shape: [2] },
    ],
    outputs: [
      { name: "masks", type: "float32", shape: [1, 3, "height", "width"] },
      { name: "iou_predictions", type: "float32", shape: [1, 3] },
    ],
    initializers: [
      f32("c0", 0), f32("c1", 1), f32("c2", 2), f32("c3", 3), f32("half", 0.5), f32("c1024", 1024), f32("c1000", 1000),
      f32("c0_5", 0.5), f32("c0_9", 0.9), f32("c0_2", 0.2),
      ...[0n, 1n, 2n, 3n].map((k) => ({ name: `k${k}`, dims: [], data: new BigInt64Array([k]) })),
      i64("a0", 0n), i64("a1", 1n), i64("a01", 0n, 1n), i64("flat", -1n),
    ],
    nodes,
    opset: 18,
  });
}

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
