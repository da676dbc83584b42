// Every dataset file from perceived images, as a map of relative path → bytes (the edge writes them
// to R2, the CLI to disk). Deterministic: images are ordered by id, so the same inputs give the same
// bytes whatever order the work finished in. Each id must appear once (every image exactly once).
import { hashString } from "../spatial/answer.js";
import { datasetCard } from "./card.js";
import { llavaRecords, shareGptRecords } from "./conversations.js";
import { DatasetFormat, type DatasetItem, type WriteDatasetOptions } from "./options.js";
import { parquetShards } from "./parquet.js";
import { plyOf, safeFileStem } from "./pointclouds.js";
import { datasetReport } from "./report.js";
import { jsonLines, qaRows, sceneLine } from "./rows.js";

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Example: `writeDataset(items, { formats: ["jsonl", "parquet"] })` → Map { "scenes.jsonl" → …, "qa.jsonl" → …, "data/train-00000-of-00001.parquet" → …, "README.md" → …, "report.json" → … }. */
export function writeDataset(items: readonly DatasetItem[], options: WriteDatasetOptions): Map<string, Uint8Array> {
  const formats = new Set(options.formats.map((f) => DatasetFormat.parse(f)));
  const failures = [...(options.failures ?? [])].sort(byId);
  const seen = new Set<string>();
  for (const { id } of [...items, ...failures]) {
    if (seen.has(id)) throw new Error(`image id "${id}" appears twice: every image must be in the dataset exactly once`);
    seen.add(id);
  }
  const all = [...items].sort(byId);
  const kept = all.filter((i) => !i.skipped);
  const rows = kept.map((item) => ({ item, rows: qaRows(item) }));
  const turns = options.turnsPerConversation ?? 8;
  const text = new TextEncoder();
  const files = new Map<string, Uint8Array>();
  const put = (path: string, content: string | Uint8Array) => files.set(path, typeof content === "string" ? text.encode(content) : content);

  if (formats.has("jsonl")) {
    // Every perceived image, skipped ones too: their 3D facts show why they were skipped.
    put("scenes.jsonl", jsonLines(all.map(sceneLine)));
    put("qa.jsonl", jsonLines(rows.flatMap((r) => r.rows)));
  }
  if (formats.has("llava")) put("llava.json", JSON.stringify(rows.flatMap(({ item, rows: r }) => llavaRecords(item.id, item.image, r, turns)), null, 1));
  if (formats.has("sharegpt")) put("sharegpt.json", JSON.stringify(rows.flatMap(({ item, rows: r }) => shareGptRecords(item.id, item.image, r, turns)), null, 1));
  let shardCount = 0;
  if (formats.has("parquet")) {
    const shards = parquetShards(rows.flatMap((r) => r.rows), options.rowsPerShard ?? 100_000);
    shardCount = shards.size;
    for (const [path, bytes] of shards) put(path, bytes);
  }
  if (formats.has("pointclouds")) {
    for (const item of kept) if (item.pointClouds) put(`pointclouds/${safeFileStem(item.id, hashString)}.ply`, plyOf(item.graph, item.pointClouds));
  }
  const report = datasetReport(all, failures, [...files.keys(), ...(formats.has("parquet") ? ["README.md"] : []), "report.json"]);
  if (formats.has("parquet")) put("README.md", datasetCard(report, shardCount));
  put("report.json", `${JSON.stringify(report, null, 2)}\n`);
  return files;
}
