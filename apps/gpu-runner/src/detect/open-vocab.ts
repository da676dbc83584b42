// Open-vocabulary detection, OWL-ViT / OWLv2 exported to ONNX (task "open-vocab-detection"):
//   files   { model, tokenizer }  the ONNX graph and a Hugging Face tokenizer.json
//   inputs  { image: "pixel_values", inputIds: "input_ids", attentionMask: "attention_mask" }
//           image as the entry's `preprocess` says (OWL-ViT: stretch to 768², CLIP mean/std; OWLv2:
//           letterbox to 960², padded right/bottom with grey); ids and mask int64 [numQueries, maxQueryTokens]
//   outputs { logits: "logits" [1, numBoxes, numQueries], boxes: "pred_boxes" [1, numBoxes, 4] }
//           boxes are cx, cy, w, h normalised to the (padded) model input
//   options { scoreThreshold (0.1), nmsIou (0.3), maxDetections (100), maxQueryTokens (16),
//             padTokenId (0), queryTemplate ("a photo of a {}"; "{}" alone sends the bare query) }
// Each box takes its best query (sigmoid of the logit); NMS runs per query; label = the query text.
import { readFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import { z } from "zod";
import { prepareInput } from "../image/preprocess.js";
import type { RgbImage } from "../image/rgb-image.js";
import type { ModelEntry } from "../models/manifest.js";
import { createSession, releaseSession, run, tensor, type DeviceName, type Session } from "../runtime/onnx.js";
import { boxToImage, type Detection } from "./detection.js";
import { nmsDetections } from "./nms.js";

export const OpenVocabOptions = z.object({
  scoreThreshold: z.number().min(0).max(1).default(0.1),
  nmsIou: z.number().min(0).max(1).default(0.3),
  maxDetections: z.number().int().positive().default(100),
  maxQueryTokens: z.number().int().min(2).default(16),
  padTokenId: z.number().int().min(0).default(0),
  queryTemplate: z.string().includes("{}").default("a photo of a {}"),
});
export type OpenVocabOptions = z.infer<typeof OpenVocabOptions>;

export interface EncodedQueries {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  dims: [number, number];
}

/**
 * Tokenises each query (wrapped in the template) with the tokenizer's special tokens, padded with
 * `padTokenId` or truncated to `maxQueryTokens` (keeping the last token: CLIP pools at the end token).
 */
export function encodeQueries(tokenizer: Tokenizer, queries: readonly string[], o: Pick<OpenVocabOptions, "maxQueryTokens" | "padTokenId" | "queryTemplate">): EncodedQueries {
  const L = o.maxQueryTokens;
  const inputIds = new BigInt64Array(queries.length * L).fill(BigInt(o.padTokenId));
  const attentionMask = new BigInt64Array(queries.length * L);
  queries.forEach((q, i) => {
    let ids = tokenizer.encode(o.queryTemplate.replace("{}", q)).ids;
    if (ids.length > L) ids = [...ids.slice(0, L - 1), ids[ids.length - 1]];
    ids.forEach((id, t) => {
      inputIds[i * L + t] = BigInt(id);
      attentionMask[i * L + t] = 1n;
    });
  });
  return { inputIds, attentionMask, dims: [queries.length, L] };
}

export interface OpenVocabDecodeOptions {
  queries: readonly string[];
  inputWidth: number;
  inputHeight: number;
  /** Input pixel = original pixel × scale. */
  scaleX: number;
  scaleY: number;
  imageWidth: number;
  imageHeight: number;
  scoreThreshold: number;
}

/** Per box, its best query by sigmoid(logit); boxes (normalised cx, cy, w, h) mapped to original pixels. Before NMS. */
export function decodeOpenVocabOutput(logits: Float32Array, boxes: Float32Array, o: OpenVocabDecodeOptions): Detection[] {
  const Q = o.queries.length, B = boxes.length / 4;
  if (!Number.isInteger(B) || logits.length !== B * Q) throw new RangeError(`open-vocab output: ${logits.length} logits and ${boxes.length / 4} boxes for ${Q} queries (expected logits = boxes × queries)`);
  const out: Detection[] = [];
  for (let b = 0; b < B; b++) {
    let best = 0;
    for (let q = 1; q < Q; q++) if (logits[b * Q + q] > logits[b * Q + best]) best = q;
    const score = 1 / (1 + Math.exp(-logits[b * Q + best]));
    if (!(score >= o.scoreThreshold)) continue;
    const cx = boxes[4 * b] * o.inputWidth, cy = boxes[4 * b + 1] * o.inputHeight;
    const w = boxes[4 * b + 2] * o.inputWidth, h = boxes[4 * b + 3] * o.inputHeight;
    const box2d = boxToImage(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, o.scaleX, o.scaleY, o.imageWidth, o.imageHeight);
    if (box2d[2] <= box2d[0] || box2d[3] <= box2d[1]) continue;
    out.push({ label: o.queries[best], score, box2d });
  }
  return out;
}

const INPUT_ROLES = ["image", "inputIds", "attentionMask"] as const;
const OUTPUT_ROLES = ["logits", "boxes"] as const;

export class OpenVocabDetector {
  private constructor(
    private session: Session | null,
    private readonly tokenizer: Tokenizer,
    readonly entry: ModelEntry,
    readonly options: OpenVocabOptions,
  ) {}

  /** Opens the model and its tokenizer.json; throws naming what the entry lacks. */
  static async load(files: { model: string | Uint8Array; tokenizer: string }, entry: ModelEntry, { device = "cpu" }: { device?: DeviceName } = {}): Promise<OpenVocabDetector> {
    if (entry.task !== "open-vocab-detection") throw new Error(`model "${entry.name}" is a ${entry.task} model, not open-vocab-detection`);
    for (const role of INPUT_ROLES) if (!entry.inputs[role]) throw new Error(`model "${entry.name}" manifest needs inputs.${role} (the tensor name)`);
    for (const role of OUTPUT_ROLES) if (!entry.outputs[role]) throw new Error(`model "${entry.name}" manifest needs outputs.${role} (the tensor name)`);
    const parsed = OpenVocabOptions.safeParse(entry.options);
    if (!parsed.success) throw new Error(`model "${entry.name}" has invalid open-vocab options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const json = JSON.parse(await readFile(files.tokenizer, "utf8")) as { model?: { unk_token?: string } };
    // tokenizer_config.json is not shipped; the model's own unk token is the one setting WordLevel needs from it.
    const tokenizer = new Tokenizer(json, json.model?.unk_token ? { unk_token: json.model.unk_token } : {});
    return new OpenVocabDetector(await createSession(files.model, { device }), tokenizer, entry, parsed.data);
  }

  /** Boxes for each text query, labelled with the query, best first. */
  async detect(image: RgbImage, queries: readonly string[], options: { scoreThreshold?: number; nmsIou?: number; maxDetections?: number } = {}): Promise<Detection[]> {
    if (!this.session) throw new Error(`model "${this.entry.name}" was disposed`);
    const texts = queries.map((q) => q.trim()).filter((q) => q.length > 0);
    if (texts.length === 0) return [];
    const { scoreThreshold = this.options.scoreThreshold, nmsIou = this.options.nmsIou, maxDetections = this.options.maxDetections } = options;
    const input = prepareInput(image, this.entry.preprocess);
    const text = encodeQueries(this.tokenizer, texts, this.options);
    const { inputs, outputs: names } = this.entry;
    const outputs = await run(this.session, {
      [inputs.image]: tensor(input.data, input.dims),
      [inputs.inputIds]: tensor(text.inputIds, text.dims),
      [inputs.attentionMask]: tensor(text.attentionMask, text.dims),
    });
    const logits = outputs[names.logits], boxes = outputs[names.boxes];
    if (!logits || !boxes) throw new Error(`model "${this.entry.name}" lacks output "${logits ? names.boxes : names.logits}" (it has: ${Object.keys(outputs).join(", ")})`);
    const candidates = decodeOpenVocabOutput(logits.data as Float32Array, boxes.data as Float32Array, {
      queries: texts,
      inputWidth: this.entry.preprocess.width,
      inputHeight: this.entry.preprocess.height,
      scaleX: input.scaleX,
      scaleY: input.scaleY,
      imageWidth: image.width,
      imageHeight: image.height,
      scoreThreshold,
    });
    return nmsDetections(candidates, { iouThreshold: nmsIou, maxDetections });
  }

  /** Releases the session; later calls throw. */
  async dispose(): Promise<void> {
    if (this.session) await releaseSession(this.session);
    this.session = null;
  }
}
