// The optional adapters through the real pipeline and CLI: a user adds an open-vocabulary detector,
// a SAM-style segmenter and a metric depth model to their own manifest, pulls them with the model
// store, and the pipeline uses them — here tiny ONNX graphs with the real models' tensor names.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PerceptionPipeline, pullCommand } from "../apps/gpu-runner/src/index.js";
import { TOKENIZER_JSON, tinyDecoder, tinyDepthNet, tinyEncoder, tinyOwl } from "../apps/gpu-runner/src/testing/tiny-models.js";
import { randomScene } from "../packages/shared/src/testing/index.js";

const ROOT = resolve(import.meta.dirname, "..");
const MIRROR = resolve(ROOT, "../shared/models");
let dir: string, modelDir: string, manifestPath: string, imagePath: string;
let pipeline: PerceptionPipeline;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const file = (name: string, bytes: Uint8Array) => ({ file: name, url: `https://models.example.com/${name}`, sha256: sha256(bytes), bytes: bytes.length });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "spatial-adapters-"));
  modelDir = join(dir, "models");
  const mirror = join(dir, "mirror");
  const files: Record<string, Uint8Array> = {
    "owl.onnx": tinyOwl(),
    "owl-tokenizer.json": new TextEncoder().encode(JSON.stringify(TOKENIZER_JSON)),
    "sam-encoder.onnx": tinyEncoder(),
    "sam-decoder.onnx": tinyDecoder(),
    "depth.onnx": tinyDepthNet(false),
  };
  await (await import("node:fs/promises")).mkdir(mirror, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(mirror, name), bytes);
  const manifest = {
    version: 1,
    models: [
      {
        name: "tiny-owl", task: "open-vocab-detection", description: "OWL-ViT-shaped test graph",
        files: { model: file("owl.onnx", files["owl.onnx"]), tokenizer: file("owl-tokenizer.json", files["owl-tokenizer.json"]) },
        inputs: { image: "pixel_values", inputIds: "input_ids", attentionMask: "attention_mask" }, outputs: { logits: "logits", boxes: "pred_boxes" },
        preprocess: { width: 64, height: 64, resize: "stretch", mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] },
      },
      {
        name: "tiny-sam", task: "promptable-segmentation", description: "SAM-shaped test graph",
        files: { model: file("sam-encoder.onnx", files["sam-encoder.onnx"]), decoder: file("sam-decoder.onnx", files["sam-decoder.onnx"]) },
        inputs: { image: "image" }, outputs: {},
        preprocess: { width: 1024, height: 1024, resize: "letterbox", scale: 1, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
      },
      {
        name: "tiny-depth", task: "metric-depth", description: "depth = 10 × grey level",
        files: { model: file("depth.onnx", files["depth.onnx"]) }, inputs: { image: "pixel_values" }, outputs: { depth: "predicted_depth" },
        preprocess: { width: 64, height: 48, resize: "stretch" },
      },
    ],
  };
  manifestPath = join(dir, "my-models.json");
  await writeFile(manifestPath, JSON.stringify(manifest));
  // The real store installs the defaults from ../shared/models and the user's models from their mirror.
  await pullCommand([], { modelDir, mirror: MIRROR });
  await pullCommand(["tiny-owl", "tiny-sam", "tiny-depth"], { modelDir, mirror, manifestPaths: [manifestPath] });
  const { render } = randomScene(14);
  imagePath = join(dir, "scene.png");
  await sharp(Buffer.from(render.rgb), { raw: { width: render.width, height: render.height, channels: 3 } }).png().toFile(imagePath);
  pipeline = await PerceptionPipeline.create({ modelDir, manifestPaths: [manifestPath] });
}, 60_000);

afterAll(async () => pipeline?.dispose());

describe("optional adapters in the pipeline", () => {
  it("finds a queried object the closed-set detector cannot, masks it with SAM and measures it with the depth model", async () => {
    const { graph, detections } = await pipeline.perceive({ image: imagePath, queries: ["dog"] });
    expect(graph.depth.source).toBe("model:tiny-depth");
    const dog = detections.find((d) => d.label === "dog");
    // The tiny OWL puts "dog" in its box 2: centre (0.6, 0.6), size (0.3, 0.2) of the 640×480 input.
    expect(dog?.box2d.map((v) => Math.round(v))).toEqual([288, 240, 480, 336]);
    const object = graph.objects.find((o) => o.label === "dog")!;
    expect(object.pointCount).toBeGreaterThan(0);
    // The tiny depth is 10 × grey / 255 in metres: positive and under 10 m.
    expect(object.centerCam[2]).toBeGreaterThan(0);
    expect(object.centerCam[2]).toBeLessThan(10);
  });

  it("uses none of them when told not to", async () => {
    const plain = await PerceptionPipeline.create({ modelDir, manifestPaths: [manifestPath], openVocabDetector: null, promptableSegmenter: null, depthModel: null });
    try {
      const { graph } = await plain.perceive({ image: imagePath, queries: ["dog"] });
      expect(graph.depth.source).toBe("priors");
      expect(graph.objects.some((o) => o.label === "dog")).toBe(false);
    } finally {
      await plain.dispose();
    }
  });

  it("reaches them from the CLI: the questions' nouns become the open-vocabulary queries", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "packages/cli/bin/spatial.js"), "ask", imagePath, "How far away is the dog?", "How wide is the dog?", "--model-dir", modelDir, "--local", "--json"], {
      cwd: ROOT, env: { ...process.env, SPATIAL_MODEL_MANIFEST: manifestPath }, timeout: 60_000,
    });
    const [, width] = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(width.answer.type).toBe("number");
    expect(width.objects[0].label).toBe("dog");
  });
});
