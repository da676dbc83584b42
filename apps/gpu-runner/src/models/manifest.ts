// The model manifest: what each model is, where its files come from (upstream URL, sha256), and how
// to feed it (tensor names, pre-processing). Built-in entries live in models.json; users add their
// own (an open-vocabulary detector, a metric depth model, SAM) with a manifest file of the same
// shape, which is how the adapters for models that cannot be shipped get configured.
import { z } from "zod";

export const ModelTask = z.enum(["detection", "open-vocab-detection", "semantic-segmentation", "promptable-segmentation", "metric-depth"]);
export type ModelTask = z.infer<typeof ModelTask>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lower-case hex digits");
const Rgb3 = z.tuple([z.number(), z.number(), z.number()]);

export const ModelFile = z.object({
  /** File name inside the model directory. */
  file: z.string().regex(/^[A-Za-z0-9._-]+$/, "a plain file name"),
  url: z.string().url(),
  sha256: Sha256,
  bytes: z.number().int().positive().optional(),
});
export type ModelFile = z.infer<typeof ModelFile>;

/**
 * How an image becomes the model's input tensor: resized to width × height (`letterbox` keeps the
 * aspect ratio and pads right/bottom with `padValue`; `stretch` does not), channels in `channels`
 * order, each value v in 0..255 mapped to (v · scale − mean) / std, laid out as `layout`.
 */
export const Preprocess = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  resize: z.enum(["letterbox", "stretch"]).default("stretch"),
  padValue: z.number().default(0),
  layout: z.enum(["NCHW", "NHWC"]).default("NCHW"),
  channels: z.enum(["RGB", "BGR"]).default("RGB"),
  scale: z.number().default(1 / 255),
  mean: Rgb3.default([0, 0, 0]),
  std: Rgb3.default([1, 1, 1]),
});
export type Preprocess = z.infer<typeof Preprocess>;

export const ModelEntry = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, '.', '_' and '-'"),
  task: ModelTask,
  description: z.string(),
  license: z.string().optional(),
  /** Installed by `npm install` / `spatial models pull` with no names. */
  default: z.boolean().default(false),
  /** Files by role: "model" always; e.g. "decoder" for SAM, "tokenizer" for a text-prompted detector. */
  files: z.record(z.string(), ModelFile).refine((f) => "model" in f, "files needs a \"model\" entry"),
  /** Tensor names by role, e.g. { image: "images" }. */
  inputs: z.record(z.string(), z.string()),
  outputs: z.record(z.string(), z.string()),
  preprocess: Preprocess,
  /** Class names of a closed-set model, in output order. */
  labels: z.array(z.string()).optional(),
  /** Task-specific settings (score thresholds, output units, ...), documented by each adapter. */
  options: z.record(z.string(), z.unknown()).default({}),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

export const ModelManifest = z.object({
  version: z.literal(1),
  models: z.array(ModelEntry),
});
export type ModelManifest = z.infer<typeof ModelManifest>;
