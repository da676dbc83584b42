import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelEntry } from "../models/manifest.js";
import { BOXES, TOKENIZER_JSON, tinyOwl } from "../testing/tiny-models.js";
import { decodeOpenVocabOutput, encodeQueries, OpenVocabDetector } from "./open-vocab.js";

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
