// Tiny ONNX graphs with the tensor names and shapes of real models that cannot be had here
// (OWL-ViT, SAM, a metric depth network), whose arithmetic the tests know. Test-only.
import { buildOnnxModel, type TinyNode } from "./tiny-onnx.js";

export const VOCAB = { "<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, a: 4, photo: 5, of: 6, cat: 7, dog: 8, remote: 9 };
const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
export const TOKENIZER_JSON = {
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: [special("<pad>", 0), special("<s>", 1), special("</s>", 2), special("<unk>", 3)],
  normalizer: { type: "Lowercase" },
  pre_tokenizer: { type: "Whitespace" },
  model: { type: "WordLevel", vocab: VOCAB, unk_token: "<unk>" },
  post_processor: {
    type: "TemplateProcessing",
    single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } }],
    pair: [],
    special_tokens: { "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] }, "</s>": { id: "</s>", ids: [2], tokens: ["</s>"] } },
  },
  decoder: null,
};

// Four boxes (normalised cx, cy, w, h on the model input). Box 3 overlaps box 0 (IoU 0.6).
export const BOXES = [0.25, 0.5, 0.2, 0.4, /**/ 0.75, 0.25, 0.1, 0.1, /**/ 0.6, 0.6, 0.3, 0.2, /**/ 0.26, 0.5, 0.2, 0.3];
// Per token, its logit contribution to each box; the pad row would swamp everything if the
// attention mask were ignored.
export const EMBED: Record<number, number[]> = { 0: [-100, -100, -100, -100], 3: [-6, -6, -6, -6], 7: [6, -6, -6, 4], 8: [-6, -6, 6, -6], 9: [-6, -1, -6, -6] };

/**
 * OWL-ViT's tensor names and shapes; logits[0, b, q] = Σ_t mask[q, t] · EMBED[ids[q, t]][b] + 0 · mean(pixels).
 */
export function tinyOwl(): Uint8Array {
  const table = new Float32Array(10 * 4);
  for (const [id, row] of Object.entries(EMBED)) table.set(row, Number(id) * 4);
  return buildOnnxModel({
    inputs: [
      { name: "input_ids", type: "int64", shape: ["queries", "tokens"] },
      { name: "pixel_values", type: "float32", shape: [1, 3, "height", "width"] },
      { name: "attention_mask", type: "int64", shape: ["queries", "tokens"] },
    ],
    outputs: [
      { name: "logits", type: "float32", shape: [1, 4, "queries"] },
      { name: "pred_boxes", type: "float32", shape: [1, 4, 4] },
    ],
    initializers: [
      { name: "table", dims: [10, 4], data: table },
      { name: "boxes", dims: [1, 4, 4], data: new Float32Array(BOXES) },
      { name: "zero", dims: [], data: new Float32Array([0]) },
      { name: "axis0", dims: [1], data: new BigInt64Array([0n]) },
      { name: "axis1", dims: [1], data: new BigInt64Array([1n]) },
      { name: "axis2", dims: [1], data: new BigInt64Array([2n]) },
    ],
    nodes: [
      { op: "Gather", inputs: ["table", "input_ids"], outputs: ["per_token"], attrs: { axis: 0 } },
      { op: "Cast", inputs: ["attention_mask"], outputs: ["mask_f"], attrs: { to: 1 } },
      { op: "Unsqueeze", inputs: ["mask_f", "axis2"], outputs: ["mask3"] },
      { op: "Mul", inputs: ["per_token", "mask3"], outputs: ["masked"] },
      { op: "ReduceSum", inputs: ["masked", "axis1"], outputs: ["qb"], attrs: { keepdims: 0 } },
      { op: "Transpose", inputs: ["qb"], outputs: ["bq"], attrs: { perm: [1, 0] } },
      { op: "ReduceMean", inputs: ["pixel_values"], outputs: ["pixel_mean"], attrs: { keepdims: 0 } },
      { op: "Mul", inputs: ["pixel_mean", "zero"], outputs: ["nothing"] },
      { op: "Add", inputs: ["bq", "nothing"], outputs: ["bq_tied"] },
      { op: "Unsqueeze", inputs: ["bq_tied", "axis0"], outputs: ["logits"] },
      { op: "Identity", inputs: ["boxes"], outputs: ["pred_boxes"] },
    ],
    opset: 18,
  });
}

const f32 = (name: string, ...values: number[]) => ({ name, dims: [], data: new Float32Array(values) });
const i64 = (name: string, ...values: bigint[]) => ({ name, dims: [values.length], data: new BigInt64Array(values) });

/** SAM's encoder shapes: image [1, 3, 1024, 1024] → image_embeddings [1, 256, 64, 64] (16×16 mean, copied to 256 channels). */
export function tinyEncoder(): Uint8Array {
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
export function tinyDecoder(): Uint8Array {
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

/** depth = 10 × mean over channels of the input (inputs are v / 255), optionally average-pooled 2×2. */
export function tinyDepthNet(pool: boolean): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "pixel_values", type: "float32", shape: [1, 3, "h", "w"] }],
    outputs: [{ name: "predicted_depth", type: "float32", shape: pool ? [1, 1, "oh", "ow"] : [1, "h", "w"] }],
    initializers: [{ name: "ten", dims: [], data: new Float32Array([10]) }, { name: "axes", dims: [1], data: new BigInt64Array([1n]) }],
    nodes: [
      { op: "ReduceMean", inputs: ["pixel_values", "axes"], outputs: ["m"], attrs: { keepdims: pool ? 1 : 0 } },
      { op: "Mul", inputs: ["m", "ten"], outputs: [pool ? "scaled" : "predicted_depth"] },
      ...(pool ? [{ op: "AveragePool", inputs: ["scaled"], outputs: ["predicted_depth"], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }] : []),
    ],
    opset: 18,
  });
}
