// The inputs of the dataset writers: synthesis options (the batch API's `synthesis` body), output
// formats, and one perceived image with its QA pairs. Schema first: one name for schema and type.
import { z } from "zod";
import { QaFamily } from "../spatial/query.js";
import type { SceneGraph } from "../spatial/scene-graph.js";
import type { SynthesisDrops, SynthesizedQa } from "../spatial/synthesize.js";

export const SynthesisOptions = z.object({
  /** Families to synthesize (default: all). */
  families: z.array(QaFamily).min(1).optional(),
  /** QA pairs per family and form (default 3). */
  perFamily: z.number().int().min(1).max(100).optional(),
  /** Share of length answers in feet and inches (default 0.2). */
  imperialShare: z.number().min(0).max(1).optional(),
  /** Synthesize families that need "up" when it is only assumed (default false). */
  includeAssumedUp: z.boolean().optional(),
  /** Seeds every image's draw (mixed with the image id, so images differ but reruns agree). */
  seed: z.number().int().min(0).max(2 ** 31 - 1),
});
export type SynthesisOptions = z.infer<typeof SynthesisOptions>;

export const DatasetFormat = z.enum(["jsonl", "llava", "sharegpt", "parquet", "pointclouds"]);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

/** Why an image is not in the dataset: `failed` (perception could not run) or `skipped` (nothing to ask). */
export const ItemOutcome = z.object({ id: z.string(), code: z.string(), message: z.string() });
export type ItemOutcome = z.infer<typeof ItemOutcome>;

/** Codes of skipped images (distinct from failures: the image was perceived fine). */
export const SkipCode = z.enum(["no_objects", "too_few_objects", "no_qa_pairs"]);
export type SkipCode = z.infer<typeof SkipCode>;

/** One perceived image: `synthesizeItem`'s result spread next to the graph. */
export interface DatasetItem {
  id: string;
  /** How a trainer finds the image: an upload id, a URL or a path relative to the dataset. */
  image: string;
  graph: SceneGraph;
  qa: SynthesizedQa[];
  dropped?: SynthesisDrops;
  skipped?: { code: SkipCode; message: string };
  /** World-frame points (x, y, z interleaved, metres) per object id, for `pointclouds/`. */
  pointClouds?: Map<string, Float32Array>;
}

export interface WriteDatasetOptions {
  formats: readonly DatasetFormat[];
  /** Images perception failed on, reported by code (never silently absent). */
  failures?: readonly ItemOutcome[];
  /** QA rows per Parquet shard (default 100,000). */
  rowsPerShard?: number;
  /** QA pairs per LLaVA / ShareGPT conversation (default 8): several turns per image, not one endless chat. */
  turnsPerConversation?: number;
}
