// The records every format is made of: one scene line per image and one flat row per QA pair
// (the same row in qa.jsonl and in the Parquet shards, so the two never disagree).
import { sceneOutput, type SceneOutput } from "../protocol/scene-output.js";
import type { DatasetItem } from "./options.js";

export interface SceneLine extends SceneOutput {
  id: string;
  image_ref: string;
  qa_pairs: number;
  /** Why a perceived image has no pairs (`too_few_objects`, …); absent for images in the QA files. */
  skipped?: string;
}

export interface QaRow {
  /** `<image id>-<index within the image>`: unique in the dataset. */
  id: string;
  image_id: string;
  image: string;
  question: string;
  /** The answer sentence a model is trained to say. */
  answer: string;
  answer_type: "bool" | "choice" | "number" | "text";
  bool: boolean | null;
  /** The chosen object's label. */
  choice: string | null;
  /** Metres, whatever unit `answer` uses. */
  value_m: number | null;
  clock_hour: number | null;
  family: string;
  form: string;
  object_ids: string[];
}

/** `image` is the contract's image size; the reference to the picture itself is `image_ref`. */
export function sceneLine(item: DatasetItem): SceneLine {
  return { id: item.id, image_ref: item.image, ...sceneOutput(item.graph), qa_pairs: item.skipped ? 0 : item.qa.length, ...(item.skipped ? { skipped: item.skipped.code } : {}) };
}

export function qaRows(item: DatasetItem): QaRow[] {
  return item.qa.map((qa, i) => ({
    id: `${item.id}-${i}`,
    image_id: item.id,
    image: item.image,
    question: qa.question,
    answer: qa.answer.text,
    answer_type: qa.answer.type,
    bool: qa.answer.bool ?? null,
    choice: qa.answer.choice ?? null,
    value_m: qa.answer.value_m ?? null,
    clock_hour: qa.answer.clock_hour ?? null,
    family: qa.family,
    form: qa.form,
    object_ids: qa.objectIds,
  }));
}

export function jsonLines(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}
