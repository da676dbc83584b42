// Closed-set semantic segmentation (DeepLabV3 and the like, task "semantic-segmentation"):
//   inputs  { image }   one image, prepared as the entry's `preprocess` says (257², RGB in [-1, 1], NHWC)
//   outputs { logits }  [1, H, W, C] (NHWC) or [1, C, H, W] (NCHW), told apart by which axis has C = labels.length
//   labels              the C class names in output order (PASCAL VOC: "background", ..., "tvmonitor")
// Output: one class index per original-image pixel, the argmax of the logits resampled bilinearly.
import type { RgbImage } from "../image/rgb-image.js";
import { prepareInput } from "../image/preprocess.js";
import type { ModelEntry } from "../models/manifest.js";
import { createSession, releaseSession, run, tensor, type DeviceName, type Session } from "../runtime/onnx.js";

export interface SemanticSegmentation {
  width: number;
  height: number;
  /** Per original-image pixel (row-major), an index into `labels`. */
  classIndex: Uint8Array;
  labels: readonly string[];
}

export interface LogitsGrid {
  data: Float32Array;
  dims: readonly number[];
  numClasses: number;
  /** Model-input pixel = original pixel × scale; the logits grid spans the model input. */
  scaleX: number;
  scaleY: number;
  inputWidth: number;
  inputHeight: number;
}

/**
 * Per original pixel, the argmax over classes of the logits sampled bilinearly at that pixel's centre
 * (pixel centres aligned, as the input was resized). Where the four surrounding logit cells agree on
 * the argmax, any blend of them does too, so only pixels near class borders pay for the full blend.
 */
export function classIndexFromLogits(g: LogitsGrid, imageWidth: number, imageHeight: number): Uint8Array {
  const C = g.numClasses;
  if (C > 256) throw new RangeError(`${C} classes do not fit a Uint8Array class index`);
  const nhwc = g.dims.length === 4 && g.dims[3] === C;
  if (!nhwc && !(g.dims.length === 4 && g.dims[1] === C)) throw new RangeError(`logits of shape [${g.dims.join(", ")}] have no axis of ${C} classes`);
  const gh = nhwc ? g.dims[1] : g.dims[2], gw = nhwc ? g.dims[2] : g.dims[3];
  const plane = gw * gh;
  const at = nhwc ? (cell: number, c: number) => g.data[cell * C + c] : (cell: number, c: number) => g.data[c * plane + cell];
  const argmax = new Uint8Array(plane);
  for (let cell = 0; cell < plane; cell++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (at(cell, c) > at(cell, best)) best = c;
    argmax[cell] = best;
  }
  // Original pixel centre x + 0.5 → model input (x + 0.5)·scale → logit grid ·(gw / inputWidth), whose cell centres sit at k + 0.5.
  const fx = (g.scaleX * gw) / g.inputWidth, fy = (g.scaleY * gh) / g.inputHeight;
  const out = new Uint8Array(imageWidth * imageHeight);
  const blend = new Float64Array(C);
  for (let y = 0; y < imageHeight; y++) {
    const sy = Math.min(gh - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(gh - 1, y0 + 1), wy = sy - y0;
    for (let x = 0; x < imageWidth; x++) {
      const sx = Math.min(gw - 1, Math.max(0, (x + 0.5) * fx - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(gw - 1, x0 + 1), wx = sx - x0;
      const c00 = y0 * gw + x0, c01 = y0 * gw + x1, c10 = y1 * gw + x0, c11 = y1 * gw + x1;
      const k = argmax[c00];
      if (argmax[c01] === k && argmax[c10] === k && argmax[c11] === k) {
        out[y * imageWidth + x] = k;
        continue;
      }
      const w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
      let best = 0;
      for (let c = 0; c < C; c++) {
        blend[c] = w00 * at(c00, c) + w01 * at(c01, c) + w10 * at(c10, c) + w11 * at(c11, c);
        if (blend[c] > blend[best]) best = c;
      }
      out[y * imageWidth + x] = best;
    }
  }
  return out;
}

export class DeeplabSegmenter {
  private constructor(
    private session: Session | null,
    readonly entry: ModelEntry,
    readonly labels: readonly string[],
  ) {}

  /** Opens the model; throws if the entry is not a semantic-segmentation model with labels and tensor names. */
  static async load(modelPath: string | Uint8Array, entry: ModelEntry, { device = "cpu" }: { device?: DeviceName } = {}): Promise<DeeplabSegmenter> {
    if (entry.task !== "semantic-segmentation") throw new Error(`model "${entry.name}" is a ${entry.task} model, not semantic-segmentation`);
    if (!entry.inputs.image) throw new Error(`model "${entry.name}" manifest needs inputs.image (the tensor name)`);
    if (!entry.outputs.logits) throw new Error(`model "${entry.name}" manifest needs outputs.logits (the tensor name)`);
    if (!entry.labels?.length) throw new Error(`model "${entry.name}" manifest needs labels (the class names in output order)`);
    return new DeeplabSegmenter(await createSession(modelPath, { device }), entry, entry.labels.map((l) => l.toLowerCase()));
  }

  /** A class index for every pixel of the image. */
  async segment(image: RgbImage): Promise<SemanticSegmentation> {
    if (!this.session) throw new Error(`model "${this.entry.name}" was disposed`);
    const p = this.entry.preprocess;
    const input = prepareInput(image, p);
    const outputs = await run(this.session, { [this.entry.inputs.image]: tensor(input.data, input.dims) });
    const logits = outputs[this.entry.outputs.logits];
    if (!logits) throw new Error(`model "${this.entry.name}" has no output "${this.entry.outputs.logits}" (it has: ${Object.keys(outputs).join(", ")})`);
    const grid: LogitsGrid = { data: logits.data as Float32Array, dims: logits.dims, numClasses: this.labels.length, scaleX: input.scaleX, scaleY: input.scaleY, inputWidth: p.width, inputHeight: p.height };
    return { width: image.width, height: image.height, classIndex: classIndexFromLogits(grid, image.width, image.height), labels: this.labels };
  }

  /** Releases the session; later calls throw. */
  async dispose(): Promise<void> {
    if (this.session) await releaseSession(this.session);
    this.session = null;
  }
}
