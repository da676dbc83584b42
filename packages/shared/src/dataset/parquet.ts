// Parquet shards of the QA rows, laid out as the Hugging Face hub expects
// (`data/train-00000-of-00003.parquet`), so `datasets.load_dataset("parquet", data_dir=…)` or the
// card's `configs` load them as is. Written with hyparquet-writer (pure JS: runs in Workers too).
import { parquetWriteBuffer } from "hyparquet-writer";
import type { QaRow } from "./rows.js";

type Column = { name: keyof QaRow; data: unknown[] };

/** Parquet physical schema and the matching `datasets` feature dtype, per column. */
const COLUMNS: ReadonlyArray<{ name: keyof QaRow; parquet: "string" | "bool" | "double" | "int32" | "string_list"; required: boolean; dtype: string }> = [
  { name: "id", parquet: "string", required: true, dtype: "string" },
  { name: "image_id", parquet: "string", required: true, dtype: "string" },
  { name: "image", parquet: "string", required: true, dtype: "string" },
  { name: "question", parquet: "string", required: true, dtype: "string" },
  { name: "answer", parquet: "string", required: true, dtype: "string" },
  { name: "answer_type", parquet: "string", required: true, dtype: "string" },
  { name: "bool", parquet: "bool", required: false, dtype: "bool" },
  { name: "choice", parquet: "string", required: false, dtype: "string" },
  { name: "value_m", parquet: "double", required: false, dtype: "float64" },
  { name: "clock_hour", parquet: "int32", required: false, dtype: "int32" },
  { name: "family", parquet: "string", required: true, dtype: "string" },
  { name: "form", parquet: "string", required: true, dtype: "string" },
  { name: "object_ids", parquet: "string_list", required: true, dtype: "sequence:string" },
];

/** The `dataset_info.features` entries of the card, in column order. */
export const PARQUET_FEATURES = COLUMNS.map(({ name, dtype }) => (dtype.startsWith("sequence:") ? { name, sequence: dtype.slice(9) } : { name, dtype }));

function schema() {
  const elements: Record<string, unknown>[] = [{ name: "root", num_children: COLUMNS.length }];
  for (const c of COLUMNS) {
    const repetition_type = c.required ? "REQUIRED" : "OPTIONAL";
    if (c.parquet === "string") elements.push({ name: c.name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type });
    else if (c.parquet === "bool") elements.push({ name: c.name, type: "BOOLEAN", repetition_type });
    else if (c.parquet === "double") elements.push({ name: c.name, type: "DOUBLE", repetition_type });
    else if (c.parquet === "int32") elements.push({ name: c.name, type: "INT32", repetition_type });
    else {
      // The standard three-level LIST: what pyarrow writes and `datasets` reads as a sequence.
      elements.push({ name: c.name, repetition_type, converted_type: "LIST", num_children: 1 });
      elements.push({ name: "list", repetition_type: "REPEATED", num_children: 1 });
      elements.push({ name: "element", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" });
    }
  }
  return elements;
}

export function parquetShardName(index: number, count: number): string {
  const pad = (n: number) => String(n).padStart(5, "0");
  return `data/train-${pad(index)}-of-${pad(count)}.parquet`;
}

/** One shard per `rowsPerShard` rows (at least one shard, so an empty dataset still loads). */
export function parquetShards(rows: readonly QaRow[], rowsPerShard: number): Map<string, Uint8Array> {
  if (!(Number.isInteger(rowsPerShard) && rowsPerShard >= 1)) throw new RangeError(`rowsPerShard must be a positive integer, got ${rowsPerShard}`);
  const count = Math.max(1, Math.ceil(rows.length / rowsPerShard));
  const out = new Map<string, Uint8Array>();
  for (let s = 0; s < count; s++) {
    const shard = rows.slice(s * rowsPerShard, (s + 1) * rowsPerShard);
    const columnData: Column[] = COLUMNS.map(({ name }) => ({ name, data: shard.map((r) => r[name]) }));
    const buffer = parquetWriteBuffer({ columnData: columnData as never, schema: schema() as never, createdBy: "spatial data engine" });
    out.set(parquetShardName(s, count), new Uint8Array(buffer));
  }
  return out;
}
