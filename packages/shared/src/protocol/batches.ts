// The batch API's bodies, views and events (zod): the edge validates with these, the OpenAPI
// document is generated from them, and the SDK types its batch calls with them. A batch is a set of images, each perceived as a job, turned into spatial VQA
// pairs by the synthesis options and written out in the requested dataset formats.
import { z } from "zod";
import { DatasetFormat, SynthesisOptions } from "../dataset/options.js";
import { Intrinsics, PoolName } from "./jobs.js";
import { MAX_DEPTH_SCALE, MAX_ID_CHARS, MAX_URL_CHARS, MIN_DEPTH_SCALE } from "./limits.js";

/** Items accepted in one JSON body; larger batches come from an uploaded JSONL manifest. */
export const MAX_INLINE_ITEMS = 1000;
/** Items in one batch (a manifest of up to 32 MiB). */
export const MAX_BATCH_ITEMS = 200_000;

export const UploadId = z.string().regex(/^upl_[A-Za-z0-9_-]{8,40}$/, "an upload id (upl_…) from POST /v1/uploads");

export const BatchItemInput = z
  .object({
    /** The client's id for the image, unique in the batch (default: its position). */
    id: z.string().trim().min(1).max(MAX_ID_CHARS).optional(),
    imageUrl: z.string().max(MAX_URL_CHARS).url().optional(),
    upload: UploadId.optional(),
    depth: UploadId.optional(),
    depthScale: z.number().min(MIN_DEPTH_SCALE).max(MAX_DEPTH_SCALE).optional(),
    intrinsics: Intrinsics.optional(),
  })
  .strict()
  .refine((i) => (i.imageUrl === undefined) !== (i.upload === undefined), "give exactly one of imageUrl and upload");
export type BatchItemInput = z.infer<typeof BatchItemInput>;

/** The synthesis options and output formats are the dataset writers' own (packages/shared/src/dataset). */
export const OutputFormat = DatasetFormat;
export type OutputFormat = DatasetFormat;

export const BatchEventType = z.enum(["batch.progress", "batch.item.failed", "batch.completed", "batch.failed", "batch.cancelled"]);
export type BatchEventType = z.infer<typeof BatchEventType>;

export const WebhookConfig = z
  .object({
    url: z.string().max(MAX_URL_CHARS).url(),
    /** Which events to deliver (default: every type but batch.progress). */
    events: z.array(BatchEventType).min(1).max(BatchEventType.options.length).optional(),
  })
  .strict();

export const CreateBatchBody = z
  .object({
    items: z.array(BatchItemInput).min(1, "a batch needs at least one item").max(MAX_INLINE_ITEMS, `at most ${MAX_INLINE_ITEMS} items in a JSON body: upload a JSONL manifest (POST /v1/uploads) and send { "manifest": "upl_…" }`).optional(),
    manifest: UploadId.optional(),
    synthesis: SynthesisOptions.strict(),
    formats: z.array(OutputFormat).min(1).max(OutputFormat.options.length).default(["jsonl", "llava", "sharegpt", "parquet"]),
    webhook: WebhookConfig.optional(),
    pool: PoolName.optional(),
  })
  .strict()
  .refine((b) => (b.items === undefined) !== (b.manifest === undefined), "give exactly one of items and manifest");
export type CreateBatchBody = z.infer<typeof CreateBatchBody>;

export const ItemCounts = z.object({ queued: z.number().int(), running: z.number().int(), done: z.number().int(), failed: z.number().int(), skipped: z.number().int() });
export type ItemCounts = z.infer<typeof ItemCounts>;

export const BatchView = z.object({
  id: z.string(),
  status: z.enum(["queued", "running", "finalizing", "completed", "failed", "cancelled"]),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  total: z.number().int(),
  counts: ItemCounts,
  qaPairs: z.number().int(),
  /**
   * Items that reached an end per minute, from the first one that ended (queue wait before it is
   * not counted): over the last 5 minutes while the batch runs, over its whole work once it has
   * ended; and the time left at that rate.
   */
  imagesPerMinute: z.number(),
  etaS: z.number().nullable(),
  formats: z.array(OutputFormat),
  outputs: z.array(z.string()).optional(),
  webhook: z.object({ url: z.string(), events: z.array(BatchEventType), disabled: z.boolean() }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type BatchView = z.infer<typeof BatchView>;

export const CreateBatchResponse = z.object({
  batch: BatchView,
  eventsUrl: z.string(),
  /** The webhook's signing secret (whsec_…): shown once. */
  webhookSecret: z.string().optional(),
  /** Manifest lines that were not accepted, with their line numbers (the first 100). */
  rejected: z.array(z.object({ line: z.number().int(), message: z.string() })),
  rejectedCount: z.number().int(),
});
export type CreateBatchResponse = z.infer<typeof CreateBatchResponse>;

export const BatchEventBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("batch.progress"), counts: ItemCounts, total: z.number().int(), qaPairs: z.number().int(), imagesPerMinute: z.number(), etaS: z.number().nullable() }),
  z.object({ type: z.literal("batch.item.failed"), idx: z.number().int(), itemId: z.string(), status: z.enum(["failed", "skipped"]), code: z.string(), message: z.string() }),
  z.object({ type: z.literal("batch.completed"), counts: ItemCounts, total: z.number().int(), qaPairs: z.number().int(), outputs: z.array(z.string()) }),
  z.object({ type: z.literal("batch.failed"), code: z.string(), message: z.string() }),
  z.object({ type: z.literal("batch.cancelled") }),
]);
export type BatchEventBody = z.infer<typeof BatchEventBody>;
export const BatchEvent = z.intersection(z.object({ seq: z.number().int().positive(), batchId: z.string(), at: z.string() }), BatchEventBody);
export type BatchEvent = z.infer<typeof BatchEvent>;

export const UploadView = z.object({ upload: z.string(), kind: z.enum(["image", "depth", "manifest"]), bytes: z.number().int(), sha256: z.string(), width: z.number().int().optional(), height: z.number().int().optional() });
export type UploadView = z.infer<typeof UploadView>;

/** One image of a batch: its status, the job that perceived it, its QA pair count or its failure. */
export const BatchItemView = z.object({
  idx: z.number().int(),
  itemId: z.string(),
  status: z.enum(["queued", "running", "done", "failed", "skipped"]),
  /** The item's job (open it as any job: GET /v1/jobs/{jobId}, its events, its image); null until started. */
  jobId: z.string().nullable(),
  qaPairs: z.number().int().nullable(),
  attempts: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  updatedAt: z.string(),
});
export type BatchItemView = z.infer<typeof BatchItemView>;

export const BatchItemsResponse = z.object({ items: z.array(BatchItemView), nextCursor: z.string().nullable() });
export type BatchItemsResponse = z.infer<typeof BatchItemsResponse>;

/** One QA pair as a row of qa.jsonl: `object_ids` are the ids of the item's scene graph objects the pair is about. */
export const QaPairRow = z.object({
  id: z.string(),
  image_id: z.string(),
  image: z.string(),
  question: z.string(),
  answer: z.string(),
  answer_type: z.enum(["bool", "choice", "number", "text"]),
  bool: z.boolean().nullable(),
  choice: z.string().nullable(),
  value_m: z.number().nullable(),
  clock_hour: z.number().nullable(),
  family: z.string(),
  form: z.string(),
  object_ids: z.array(z.string()),
});
export type QaPairRow = z.infer<typeof QaPairRow>;

/** An ended item's QA pairs (the rows qa.jsonl will hold for it), readable while the batch still runs. */
export const BatchItemQaResponse = z.object({
  idx: z.number().int(),
  itemId: z.string(),
  jobId: z.string().nullable(),
  qa: z.array(QaPairRow),
  /** Why a perceived image has no pairs (too_few_objects, …). */
  skipped: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type BatchItemQaResponse = z.infer<typeof BatchItemQaResponse>;
