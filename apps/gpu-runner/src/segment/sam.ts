// Promptable segmentation, SAM / MobileSAM exported as the official SAM ONNX decoder and samexporter
// do it (task "promptable-segmentation"):
//   files   { model: image encoder, decoder: prompt decoder }
//   inputs  { image }  encoder input, as the entry's `preprocess` says (letterbox to 1024², ImageNet mean/std)
//           decoder inputs by role, defaulting to the official names: embeddings "image_embeddings",
//           pointCoords "point_coords" [1, N, 2], pointLabels "point_labels" [1, N], maskInput
//           "mask_input" [1, 1, 256, 256], hasMaskInput "has_mask_input" [1], origImSize "orig_im_size" [2] (h, w)
//   outputs { embeddings: "image_embeddings" (encoder), masks: "masks" [1, M, H, W] logits at the
//           original size, iouPredictions: "iou_predictions" [1, M] }
//   options { maskThreshold (0) }
// A box prompt is its two corners with labels 2 and 3, in the encoder input's pixels.
import { z } from "zod";
import type { Box2d } from "../detect/detection.js";
import { prepareInput } from "../image/preprocess.js";
import type { RgbImage } from "../image/rgb-image.js";
import type { ModelEntry } from "../models/manifest.js";
import { createSession, releaseSession, run, tensor, type DeviceName, type OutputTensor, type Session } from "../runtime/onnx.js";

export const SamOptions = z.object({ maskThreshold: z.number().default(0) });
export type SamOptions = z.infer<typeof SamOptions>;

const INPUT_DEFAULTS = { embeddings: "image_embeddings", pointCoords: "point_coords", pointLabels: "point_labels", maskInput: "mask_input", hasMaskInput: "has_mask_input", origImSize: "orig_im_size" };
const OUTPUT_DEFAULTS = { embeddings: "image_embeddings", masks: "masks", iouPredictions: "iou_predictions" };

/** The decoder's point prompt for a box: corners (x1, y1) label 2 and (x2, y2) label 3, scaled to the encoder input. */
export function boxPrompt(box2d: Box2d, scaleX: number, scaleY: number): { coords: Float32Array; labels: Float32Array } {
  return { coords: new Float32Array([box2d[0] * scaleX, box2d[1] * scaleY, box2d[2] * scaleX, box2d[3] * scaleY]), labels: new Float32Array([2, 3]) };
}

/** The mask with the highest predicted IoU, thresholded; masks must be [1, M, height, width]. */
export function bestMask(masks: OutputTensor, iouPredictions: Float32Array, width: number, height: number, threshold = 0): { mask: Uint8Array; index: number; iouPrediction: number } {
  const [, M, H, W] = masks.dims;
  if (masks.dims.length !== 4 || H !== height || W !== width || iouPredictions.length !== M) {
    throw new RangeError(`SAM masks of shape [${masks.dims.join(", ")}] with ${iouPredictions.length} IoU predictions do not fit a ${width}×${height} image (expected [1, M, ${height}, ${width}] at the original size)`);
  }
  let index = 0;
  for (let m = 1; m < M; m++) if (iouPredictions[m] > iouPredictions[index]) index = m;
  const logits = masks.data as Float32Array, plane = W * H, mask = new Uint8Array(plane);
  for (let i = 0, o = index * plane; i < plane; i++) mask[i] = logits[o + i] > threshold ? 1 : 0;
  return { mask, index, iouPrediction: iouPredictions[index] };
}

interface Embedded {
  embeddings: OutputTensor;
  width: number;
  height: number;
  scaleX: number;
  scaleY: number;
}

export class SamSegmenter {
  private embedded: Embedded | null = null;
  private readonly inputs: typeof INPUT_DEFAULTS & { image: string };
  private readonly outputs: typeof OUTPUT_DEFAULTS;

  private constructor(
    private encoder: Session | null,
    private decoder: Session | null,
    readonly entry: ModelEntry,
    readonly options: SamOptions,
  ) {
    this.inputs = { ...INPUT_DEFAULTS, ...entry.inputs, image: entry.inputs.image };
    this.outputs = { ...OUTPUT_DEFAULTS, ...entry.outputs };
  }

  /** Opens the encoder and decoder; throws if the entry is not a promptable-segmentation model. */
  static async load(files: { model: string | Uint8Array; decoder: string | Uint8Array }, entry: ModelEntry, { device = "cpu" }: { device?: DeviceName } = {}): Promise<SamSegmenter> {
    if (entry.task !== "promptable-segmentation") throw new Error(`model "${entry.name}" is a ${entry.task} model, not promptable-segmentation`);
    if (!entry.inputs.image) throw new Error(`model "${entry.name}" manifest needs inputs.image (the encoder's input tensor name)`);
    const parsed = SamOptions.safeParse(entry.options);
    if (!parsed.success) throw new Error(`model "${entry.name}" has invalid promptable-segmentation options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const encoder = await createSession(files.model, { device });
    const decoder = await createSession(files.decoder, { device }).catch(async (e: unknown) => {
      await releaseSession(encoder);
      throw e;
    });
    return new SamSegmenter(encoder, decoder, entry, parsed.data);
  }

  /** Runs the image encoder once; later prompts reuse its embedding. */
  async embed(image: RgbImage): Promise<void> {
    if (!this.encoder) throw new Error(`model "${this.entry.name}" was disposed`);
    const input = prepareInput(image, this.entry.preprocess);
    const out = await run(this.encoder, { [this.inputs.image]: tensor(input.data, input.dims) });
    const embeddings = out[this.outputs.embeddings];
    if (!embeddings) throw new Error(`model "${this.entry.name}" encoder has no output "${this.outputs.embeddings}" (it has: ${Object.keys(out).join(", ")})`);
    this.embedded = { embeddings, width: image.width, height: image.height, scaleX: input.scaleX, scaleY: input.scaleY };
  }

  /** The object in `box2d` (original pixels) as a full-image mask, with the decoder's IoU estimate. */
  async segmentBox(box2d: Box2d): Promise<{ mask: Uint8Array; iouPrediction: number }> {
    if (!this.decoder) throw new Error(`model "${this.entry.name}" was disposed`);
    const e = this.embedded;
    if (!e) throw new Error(`model "${this.entry.name}": call embed(image) before prompting`);
    const prompt = boxPrompt(box2d, e.scaleX, e.scaleY);
    const i = this.inputs;
    const out = await run(this.decoder, {
      [i.embeddings]: tensor(e.embeddings.data, e.embeddings.dims),
      [i.pointCoords]: tensor(prompt.coords, [1, 2, 2]),
      [i.pointLabels]: tensor(prompt.labels, [1, 2]),
      [i.maskInput]: tensor(new Float32Array(256 * 256), [1, 1, 256, 256]),
      [i.hasMaskInput]: tensor(new Float32Array([0]), [1]),
      [i.origImSize]: tensor(new Float32Array([e.height, e.width]), [2]),
    });
    const masks = out[this.outputs.masks], iou = out[this.outputs.iouPredictions];
    if (!masks || !iou) throw new Error(`model "${this.entry.name}" decoder lacks output "${masks ? this.outputs.iouPredictions : this.outputs.masks}" (it has: ${Object.keys(out).join(", ")})`);
    const { mask, iouPrediction } = bestMask(masks, iou.data as Float32Array, e.width, e.height, this.options.maskThreshold);
    return { mask, iouPrediction };
  }

  /** The object in `box2d` as a full-image mask (1 = object): the decoder's best mask by predicted IoU. */
  async maskForBox(box2d: Box2d): Promise<Uint8Array> {
    return (await this.segmentBox(box2d)).mask;
  }

  /** Releases both sessions and the embedding; later calls throw. */
  async dispose(): Promise<void> {
    if (this.encoder) await releaseSession(this.encoder);
    if (this.decoder) await releaseSession(this.decoder);
    this.encoder = this.decoder = null;
    this.embedded = null;
  }
}
