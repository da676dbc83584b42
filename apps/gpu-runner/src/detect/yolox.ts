// YOLOX (Megvii) closed-set detector, exported to ONNX without its decode head (task "detection"):
//   inputs  { image }        [1, 3, S, S], prepared as the entry's `preprocess` says (416², BGR, 0..255, letterbox pad 114)
//   outputs { predictions }  [1, N, 5 + C]: per grid cell cx, cy, w, h (grid-relative), objectness, C class scores (sigmoid applied)
//   labels                   the C class names, in output order
//   options { strides: number[] (default [8, 16, 32]), scoreThreshold (0.3), nmsIou (0.45), maxDetections (100) }
import { z } from "zod";
import { prepareInput } from "../image/preprocess.js";
import type { RgbImage } from "../image/rgb-image.js";
import type { ModelEntry } from "../models/manifest.js";
import { createSession, releaseSession, run, tensor, type DeviceName, type Session } from "../runtime/onnx.js";
import { boxToImage, type Detection } from "./detection.js";
import { nmsDetections } from "./nms.js";

export const YoloxOptions = z.object({
  strides: z.array(z.number().int().positive()).nonempty().default([8, 16, 32]),
  scoreThreshold: z.number().min(0).max(1).default(0.3),
  nmsIou: z.number().min(0).max(1).default(0.45),
  maxDetections: z.number().int().positive().default(100),
});
export type YoloxOptions = z.infer<typeof YoloxOptions>;

export interface DetectOptions {
  scoreThreshold?: number;
  nmsIou?: number;
  maxDetections?: number;
}

export interface YoloxDecodeOptions {
  /** Model input size in pixels. */
  inputWidth: number;
  inputHeight: number;
  strides: readonly number[];
  /** Input pixel = original pixel × scale. */
  scaleX: number;
  scaleY: number;
  imageWidth: number;
  imageHeight: number;
  scoreThreshold: number;
  labels: readonly string[];
}

/**
 * Decodes YOLOX's raw head output (N×(5+C), N = Σ (W/s)·(H/s) cells, strides in the given order,
 * each row-major) into scored, labelled boxes in original-image pixels, before NMS:
 * cx = (raw + gx)·s, w = exp(raw)·s, score = objectness × best class score.
 */
export function decodeYoloxOutput(output: Float32Array, o: YoloxDecodeOptions): Detection[] {
  const rowLength = 5 + o.labels.length;
  const cells = o.strides.reduce((n, s) => n + Math.floor(o.inputWidth / s) * Math.floor(o.inputHeight / s), 0);
  if (output.length !== cells * rowLength) {
    throw new RangeError(`YOLOX output has ${output.length} values; expected ${cells} cells × ${rowLength} (strides ${o.strides.join(", ")} on ${o.inputWidth}×${o.inputHeight}, ${o.labels.length} labels)`);
  }
  const detections: Detection[] = [];
  let row = 0;
  for (const stride of o.strides) {
    const gridW = Math.floor(o.inputWidth / stride), gridH = Math.floor(o.inputHeight / stride);
    for (let gy = 0; gy < gridH; gy++) {
      for (let gx = 0; gx < gridW; gx++, row++) {
        const r = row * rowLength;
        const objectness = output[r + 4];
        // Cheap reject: the score can never exceed objectness.
        if (!(objectness >= o.scoreThreshold)) continue;
        let best = 0;
        for (let c = 1; c < o.labels.length; c++) if (output[r + 5 + c] > output[r + 5 + best]) best = c;
        const score = objectness * output[r + 5 + best];
        if (!(score >= o.scoreThreshold)) continue;
        const cx = (output[r] + gx) * stride, cy = (output[r + 1] + gy) * stride;
        const w = Math.exp(output[r + 2]) * stride, h = Math.exp(output[r + 3]) * stride;
        const box2d = boxToImage(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, o.scaleX, o.scaleY, o.imageWidth, o.imageHeight);
        if (box2d[2] <= box2d[0] || box2d[3] <= box2d[1]) continue; // entirely in the letterbox padding
        detections.push({ label: o.labels[best], score, box2d });
      }
    }
  }
  return detections;
}

export class YoloxDetector {
  private constructor(
    private session: Session | null,
    readonly entry: ModelEntry,
    readonly options: YoloxOptions,
    private readonly labels: readonly string[],
  ) {}

  /** Opens the model; throws if the entry is not a YOLOX-style detector or its options are malformed. */
  static async load(modelPath: string | Uint8Array, entry: ModelEntry, { device = "cpu" }: { device?: DeviceName } = {}): Promise<YoloxDetector> {
    if (entry.task !== "detection") throw new Error(`model "${entry.name}" is a ${entry.task} model, not detection`);
    if (!entry.inputs.image) throw new Error(`model "${entry.name}" manifest needs inputs.image (the tensor name)`);
    if (!entry.outputs.predictions) throw new Error(`model "${entry.name}" manifest needs outputs.predictions (the tensor name)`);
    if (!entry.labels?.length) throw new Error(`model "${entry.name}" manifest needs labels (the class names in output order)`);
    const parsed = YoloxOptions.safeParse(entry.options);
    if (!parsed.success) throw new Error(`model "${entry.name}" has invalid detection options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const labels = entry.labels.map((l) => l.toLowerCase());
    return new YoloxDetector(await createSession(modelPath, { device }), entry, parsed.data, labels);
  }

  /** Detections in original-image pixels, best first, after per-class NMS. */
  async detect(image: RgbImage, options: DetectOptions = {}): Promise<Detection[]> {
    if (!this.session) throw new Error(`model "${this.entry.name}" was disposed`);
    const { scoreThreshold = this.options.scoreThreshold, nmsIou = this.options.nmsIou, maxDetections = this.options.maxDetections } = options;
    const input = prepareInput(image, this.entry.preprocess);
    const outputs = await run(this.session, { [this.entry.inputs.image]: tensor(input.data, input.dims) });
    const predictions = outputs[this.entry.outputs.predictions];
    if (!predictions) throw new Error(`model "${this.entry.name}" has no output "${this.entry.outputs.predictions}" (it has: ${Object.keys(outputs).join(", ")})`);
    const candidates = decodeYoloxOutput(predictions.data as Float32Array, {
      inputWidth: this.entry.preprocess.width,
      inputHeight: this.entry.preprocess.height,
      strides: this.options.strides,
      scaleX: input.scaleX,
      scaleY: input.scaleY,
      imageWidth: image.width,
      imageHeight: image.height,
      scoreThreshold,
      labels: this.labels,
    });
    return nmsDetections(candidates, { iouThreshold: nmsIou, maxDetections });
  }

  /** Releases the session; later calls throw. */
  async dispose(): Promise<void> {
    if (this.session) await releaseSession(this.session);
    this.session = null;
  }
}
