import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelEntry } from "../models/manifest.js";
import { buildOnnxModel } from "../testing/tiny-onnx.js";
import { decodeOpenVocabOutput, encodeQueries, OpenVocabDetector } from "./open-vocab.js";

const VOCAB = { "<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, a: 4, photo: 5, of: 6, cat: 7, dog: 8, remote: 9 };
const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const TOKENIZER_JSON = {
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
const BOXES = [0.25, 0.5, 0.2, 0.4, /**/ 0.75, 0.25, 0.1, 0.1, /**/ 0.6, 0.6, 0.3, 0.2, /**/ 0.26, 0.5, 0.2, 0.3];
// Per token, its logit contribution to each box; the pad row would swamp everything if the
// attention mask were ignored.
const EMBED: Record<number, number[]> = { 0: [-100, -100, -100, -100], 3: [-6, -6, -6, -6], 7: [6, -6, -6, 4], 8: [-6, -6, 6, -6], 9: [-6, -1, -6, -6] };

/**
 * OWL-ViT's tensor names and shapes; logits[0, b, q] = Σ_t mask[q, t] · EMBED[ids[q, t]][b] + 0 · mean(pixels).
 */
function tinyOwl(): Uint8Array {
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

function entryFor(preprocess: object, options: object = {}): ModelEntry {
  const file = { file: "x.onnx", url: "https://example.com/x.onnx", sha256: "0".repeat(64) };
  return ModelEntry.parse({
    name: "tiny-owl",
    task: "open-vocab-detection",
    description: "test",
    files: { model: file, tokenizer: { ...file, file: "tokenizer.json" } },
    inputs: { image: "pixel_values", inputIds: "input_ids", attentionMask: "attention_mask" },
    outputs: { logits: "logits", boxes: "pred_boxes" },
    preprocess,
    options,
  });
}

const OWLVIT = { width: 768, height: 768, resize: "stretch", mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] };
const OWLV2 = { ...OWLVIT, width: 960, height: 960, resize: "letterbox", padValue: 127.5 };
const image = { width: 400, height: 300, rgb: new Uint8Array(400 * 300 * 3).fill(90) };

function expectBox(actual: number[], expected: number[]) {
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1));
}

describe("encodeQueries", () => {
  const tokenizer = new Tokenizer(TOKENIZER_JSON, { unk_token: "<unk>" });

  it("wraps each query in the template, adds special tokens and pads to maxQueryTokens", () => {
    const enc = encodeQueries(tokenizer, ["cat", "Dog"], { maxQueryTokens: 8, padTokenId: 0, queryTemplate: "a photo of a {}" });
    expect(enc.dims).toEqual([2, 8]);
    expect(Array.from(enc.inputIds, Number)).toEqual([1, 4, 5, 6, 4, 7, 2, 0, /**/ 1, 4, 5, 6, 4, 8, 2, 0]);
    expect(Array.from(enc.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0]);
  });

  it("truncates long queries keeping the end token, and sends a bare query with the template '{}'", () => {
    const long = encodeQueries(tokenizer, ["cat"], { maxQueryTokens: 4, padTokenId: 0, queryTemplate: "a photo of a {}" });
    expect(Array.from(long.inputIds, Number)).toEqual([1, 4, 5, 2]);
    const bare = encodeQueries(tokenizer, ["zebra"], { maxQueryTokens: 4, padTokenId: 9, queryTemplate: "{}" });
    expect(Array.from(bare.inputIds, Number)).toEqual([1, 3, 2, 9]);
  });
});

describe("decodeOpenVocabOutput", () => {
  it("takes each box's best query through a sigmoid and maps a stretched input back", () => {
    const dets = decodeOpenVocabOutput(new Float32Array([0, 2, -9, -9]), new Float32Array([0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1]), {
      queries: ["cat", "dog"], inputWidth: 768, inputHeight: 768, scaleX: 768 / 400, scaleY: 768 / 300, imageWidth: 400, imageHeight: 300, scoreThreshold: 0.1,
    });
    expect(dets).toHaveLength(1);
    expect(dets[0].label).toBe("dog");
    expect(dets[0].score).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expectBox(dets[0].box2d, [100, 75, 300, 225]);
  });

  it("rejects logits that do not match boxes × queries", () => {
    expect(() => decodeOpenVocabOutput(new Float32Array(3), new Float32Array(8), { queries: ["a", "b"], inputWidth: 1, inputHeight: 1, scaleX: 1, scaleY: 1, imageWidth: 1, imageHeight: 1, scoreThreshold: 0 })).toThrow(RangeError);
  });
});

describe("OpenVocabDetector on a tiny OWL-ViT-shaped graph", () => {
  const dir = mkdtempSync(join(tmpdir(), "owl-"));
  const tokenizerPath = join(dir, "tokenizer.json");
  const model = tinyOwl();
  let owlvit: OpenVocabDetector, owlv2: OpenVocabDetector;
  beforeAll(async () => {
    writeFileSync(tokenizerPath, JSON.stringify(TOKENIZER_JSON));
    owlvit = await OpenVocabDetector.load({ model, tokenizer: tokenizerPath }, entryFor(OWLVIT));
    owlv2 = await OpenVocabDetector.load({ model, tokenizer: tokenizerPath }, entryFor(OWLV2));
  });
  afterAll(async () => {
    await owlvit?.dispose();
    await owlv2?.dispose();
  });

  it("OWL-ViT (stretched input): the right query wins each box, boxes come back in image pixels, NMS per query", async () => {
    const dets = await owlvit.detect(image, ["cat", "dog", "remote"]);
    expect(dets.map((d) => d.label)).toEqual(["cat", "dog", "remote"]);
    expect(dets[0].score).toBeCloseTo(1 / (1 + Math.exp(-6)), 5);
    // Box 0: cx 0.25·400 = 100, w 0.2·400 = 80; cy 0.5·300 = 150, h 0.4·300 = 120. Box 3 (cat, 4) is suppressed.
    expectBox(dets[0].box2d, [60, 90, 140, 210]);
    expectBox(dets[1].box2d, [180, 150, 300, 210]);
    expect(dets[2].score).toBeCloseTo(1 / (1 + Math.exp(1)), 5);
  });

  it("OWLv2 (padded square input): boxes are normalised to the 400×400 square, not the image", async () => {
    const dets = await owlv2.detect(image, ["dog", "cat"]);
    // Equal scores: the earlier box first.
    expect(dets.map((d) => d.label)).toEqual(["cat", "dog"]);
    // Cat box: cx 0.25·400 = 100, w 80; cy 0.5·400 = 200, h 160. Dog box: cx 240, w 120; cy 240, h 80.
    expectBox(dets[0].box2d, [60, 120, 140, 280]);
    expectBox(dets[1].box2d, [180, 200, 300, 280]);
  });

  it("only the queries asked for are found; thresholds and empty query lists are honoured", async () => {
    expect((await owlvit.detect(image, ["dog"])).map((d) => d.label)).toEqual(["dog"]);
    expect(await owlvit.detect(image, ["zebra"])).toEqual([]);
    expect(await owlvit.detect(image, [" ", ""])).toEqual([]);
    expect((await owlvit.detect(image, ["cat", "remote"], { scoreThreshold: 0.5 })).map((d) => d.label)).toEqual(["cat"]);
    // With NMS off (IoU threshold 1), the overlapping second cat box survives.
    expect((await owlvit.detect(image, ["cat"], { nmsIou: 1 })).map((d) => d.score.toFixed(3))).toEqual(["0.998", "0.982"]);
  });

  it("refuses an entry of another task or without the tensor names", async () => {
    await expect(OpenVocabDetector.load({ model, tokenizer: tokenizerPath }, { ...entryFor(OWLVIT), task: "detection" })).rejects.toThrow(/not open-vocab-detection/);
    await expect(OpenVocabDetector.load({ model, tokenizer: tokenizerPath }, { ...entryFor(OWLVIT), inputs: { image: "pixel_values" } })).rejects.toThrow(/inputs.inputIds/);
  });
});
