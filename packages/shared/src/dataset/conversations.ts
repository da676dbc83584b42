// Chat-format training files. LLaVA: `{id, image, conversations: [{from: "human", value:
// "<image>\n…"}, {from: "gpt", value}]}`; ShareGPT (LLaMA-Factory's multimodal layout): `{messages:
// [{role: "user", content: "<image>…"}, {role: "assistant", content}], images: [...]}`. An image's
// pairs are split into conversations of a few turns each, as SpatialVLM trains: the image token
// only on the first question of each conversation.
import type { QaRow } from "./rows.js";

export interface LlavaRecord {
  id: string;
  image: string;
  conversations: { from: "human" | "gpt"; value: string }[];
}

export interface ShareGptRecord {
  id: string;
  messages: { role: "user" | "assistant"; content: string }[];
  images: string[];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Rows of one image, in order → its conversations. */
export function llavaRecords(imageId: string, image: string, rows: readonly QaRow[], turns: number): LlavaRecord[] {
  return chunks(rows, turns).map((chunk, k) => ({
    id: `${imageId}-${k}`,
    image,
    conversations: chunk.flatMap((row, i) => [
      { from: "human" as const, value: i === 0 ? `<image>\n${row.question}` : row.question },
      { from: "gpt" as const, value: row.answer },
    ]),
  }));
}

export function shareGptRecords(imageId: string, image: string, rows: readonly QaRow[], turns: number): ShareGptRecord[] {
  return chunks(rows, turns).map((chunk, k) => ({
    id: `${imageId}-${k}`,
    messages: chunk.flatMap((row, i) => [
      { role: "user" as const, content: i === 0 ? `<image>${row.question}` : row.question },
      { role: "assistant" as const, content: row.answer },
    ]),
    images: [image],
  }));
}
