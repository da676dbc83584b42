// The `model:<name>` depth source: a metric monocular depth network (Depth Anything V2 metric,
// Metric3D, ...) exported to ONNX, configured by its manifest entry (task "metric-depth"):
//   inputs  { image: "<tensor>" }   one RGB image, prepared as the entry's `preprocess` says
//   outputs { depth: "<tensor>" }   [1, H, W] or [1, 1, H, W], any resolution proportional to the input
//   options { outputUnit: "metres" | "millimetres" (default metres),
//             focalNormalisation?: px  (Metric3D: the network predicts depth for a canonical camera
//                                       of this focal length; real depth = output × f / canonical,
//                                       f = the image's focal in the network input's pixels),
//             maxDepthM: m (default 80; beyond it a prediction is noise, e.g. sky, and becomes 0) }
// Output: z depth in metres on the image's pixel grid (OpenCV camera frame), 0 = no reading.
import type { DepthImage, Intrinsics } from "@spatial/shared/geometry";
import { z } from "zod";
import { prepareInput } from "../image/preprocess.js";
import type { RgbImage } from "../image/rgb-image.js";
import type { ModelEntry, Preprocess } from "../models/manifest.js";
import { createSession, releaseSession, run, tensor, type DeviceName, type OutputTensor, type Session } from "../runtime/onnx.js";

export const MetricDepthOptions = z.object({
  outputUnit: z.enum(["metres", "millimetres"]).default("metres"),
  focalNormalisation: z.number().positive().optional(),
  maxDepthM: z.number().positive().default(80),
});
export type MetricDepthOptions = z.infer<typeof MetricDepthOptions>;

export class MetricDepthModel {
  private constructor(
    private session: Session | null,
    readonly entry: ModelEntry,
    readonly options: MetricDepthOptions,
  ) {}

  /** Opens the model; throws if the entry is not a metric-depth model or its options are malformed. */
  static async load(modelPath: string | Uint8Array, entry: ModelEntry, { device = "cpu" }: { device?: DeviceName } = {}): Promise<MetricDepthModel> {
    if (entry.task !== "metric-depth") throw new Error(`model "${entry.name}" is a ${entry.task} model, not metric-depth`);
    for (const [role, names] of [["image", entry.inputs], ["depth", entry.outputs]] as const) {
      if (!names[role]) throw new Error(`model "${entry.name}" manifest needs ${role === "image" ? "inputs" : "outputs"}.${role} (the tensor name)`);
    }
    const parsed = MetricDepthOptions.safeParse(entry.options);
    if (!parsed.success) throw new Error(`model "${entry.name}" has invalid metric-depth options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return new MetricDepthModel(await createSession(modelPath, { device }), entry, parsed.data);
  }

  /** Metric depth for an upright image; `intrinsics` are required when the model normalises by focal length. */
  async estimate(image: RgbImage, intrinsics?: Intrinsics): Promise<DepthImage> {
    if (!this.session) throw new Error(`model "${this.entry.name}" was disposed`);
    const input = prepareInput(image, this.entry.preprocess);
    const outputs = await run(this.session, { [this.entry.inputs.image]: tensor(input.data, input.dims) });
    const depth = outputs[this.entry.outputs.depth];
    if (!depth) throw new Error(`model "${this.entry.name}" has no output "${this.entry.outputs.depth}" (it has: ${Object.keys(outputs).join(", ")})`);
    return postprocessDepth(depth, { preprocess: this.entry.preprocess, scaleX: input.scaleX, scaleY: input.scaleY, width: image.width, height: image.height }, this.options, intrinsics);
  }

  async dispose(): Promise<void> {
    if (this.session) await releaseSession(this.session);
    this.session = null;
  }
}

export interface DepthGeometry {
  preprocess: Preprocess;
  /** Network input pixel = image pixel × scale (from prepareInput). */
  scaleX: number;
  scaleY: number;
  /** The image's size. */
  width: number;
  height: number;
}

/**
 * Network output → metres at the image's size: unit and focal scaling, invalid and too-far values to
 * 0, then a bilinear resize over the part of the output that saw the image (a letterbox's padding
 * never leaks in) that weights only valid neighbours.
 */
export function postprocessDepth(output: OutputTensor, g: DepthGeometry, options: MetricDepthOptions, intrinsics?: Intrinsics): DepthImage {
  const dims = output.dims;
  if (dims.length < 2 || dims.slice(0, -2).some((d) => d !== 1)) throw new Error(`depth output must be [1, H, W] or [1, 1, H, W], got [${dims.join(", ")}]`);
  const outH = dims[dims.length - 2], outW = dims[dims.length - 1];
  let factor = options.outputUnit === "millimetres" ? 0.001 : 1;
  if (options.focalNormalisation !== undefined) {
    if (!intrinsics) throw new Error("this depth model scales by focal length: pass the image's intrinsics");
    // The focal length the network saw, in its input's pixels.
    factor *= (intrinsics.fx * g.scaleX + intrinsics.fy * g.scaleY) / 2 / options.focalNormalisation;
  }
  const metres = new Float32Array(outW * outH);
  for (let i = 0; i < metres.length; i++) {
    const m = Number(output.data[i]) * factor;
    metres[i] = m > 0 && m <= options.maxDepthM ? m : 0;
  }
  // The image occupies the top-left usedW × usedH of the network input (prepareInput's arithmetic),
  // that is validW × validH of the output grid.
  const p = g.preprocess;
  const usedW = Math.min(p.width, Math.round(g.width * g.scaleX)), usedH = Math.min(p.height, Math.round(g.height * g.scaleY));
  const validW = (usedW * outW) / p.width, validH = (usedH * outH) / p.height;
  const lastX = Math.max(0, Math.min(outW, Math.round(validW)) - 1), lastY = Math.max(0, Math.min(outH, Math.round(validH)) - 1);
  const data = new Float32Array(g.width * g.height);
  for (let y = 0; y < g.height; y++) {
    const sy = Math.min(lastY, Math.max(0, ((y + 0.5) * validH) / g.height - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(lastY, y0 + 1), fy = sy - y0;
    for (let x = 0; x < g.width; x++) {
      const sx = Math.min(lastX, Math.max(0, ((x + 0.5) * validW) / g.width - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(lastX, x0 + 1), fx = sx - x0;
      const v00 = metres[y0 * outW + x0], v01 = metres[y0 * outW + x1], v10 = metres[y1 * outW + x0], v11 = metres[y1 * outW + x1];
      const w00 = v00 > 0 ? (1 - fx) * (1 - fy) : 0, w01 = v01 > 0 ? fx * (1 - fy) : 0;
      const w10 = v10 > 0 ? (1 - fx) * fy : 0, w11 = v11 > 0 ? fx * fy : 0;
      const weight = w00 + w01 + w10 + w11;
      data[y * g.width + x] = weight > 0 ? (v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11) / weight : 0;
    }
  }
  return { width: g.width, height: g.height, data, unitsPerMetre: 1 };
}
