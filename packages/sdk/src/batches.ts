// The batch API through the SDK: uploads, batches (create, get, list, events, cancel) and their
// dataset files. Creations carry an Idempotency-Key (fresh per call, reused by the SDK's own
// retries; pass your own to resume across restarts, as `spatial synth` does).
import { BatchItemQaResponse, BatchItemsResponse, BatchView, CreateBatchResponse, UploadView, type BatchEvent, type BatchItemView, type CreateBatchBody, type OutputFormat as DatasetFormat } from "@spatial/shared/protocol";
import { followBatchEvents } from "./events.js";
import { withSignal, type Signal, type Transport } from "./transport.js";

const batchPath = (id: string) => `/v1/batches/${encodeURIComponent(id)}`;

/** Which dataset files make up each format (report.json and README.md come with every batch). */
export const FORMAT_FILES: Record<DatasetFormat, (path: string) => boolean> = {
  jsonl: (p) => p === "scenes.jsonl" || p === "qa.jsonl",
  llava: (p) => p === "llava.json",
  sharegpt: (p) => p === "sharegpt.json",
  parquet: (p) => p.endsWith(".parquet") || p === "README.md",
  pointclouds: (p) => p.startsWith("pointclouds/"),
};

export function batchApi(transport: Transport) {
  const api = {
    /** Stores one file (an image, a 16-bit depth PNG or a JSONL manifest) → its upload id. */
    async upload(file: Blob | Uint8Array, kind: UploadView["kind"] = "image", o?: Signal): Promise<UploadView> {
      const form = new FormData();
      form.set("file", file instanceof Blob ? file : new Blob([file as Uint8Array<ArrayBuffer>]), "file");
      form.set("kind", kind);
      return UploadView.parse(await transport.json("/v1/uploads", { method: "POST", body: form, ...withSignal(o) }));
    },

    async create(body: CreateBatchBody | (Omit<CreateBatchBody, "formats"> & { formats?: DatasetFormat[] }), o: Signal & { idempotencyKey?: string } = {}): Promise<CreateBatchResponse> {
      const headers = { "content-type": "application/json", "idempotency-key": o.idempotencyKey ?? crypto.randomUUID() };
      return CreateBatchResponse.parse(await transport.json("/v1/batches", { method: "POST", body: JSON.stringify(body), headers, ...withSignal(o) }));
    },

    get: async (id: string, o?: Signal) => BatchView.parse(await transport.json(batchPath(id), withSignal(o))),

    /** The tenant's batches, newest first; pass `nextCursor` for the next page. */
    async list(o: Signal & { limit?: number; cursor?: string } = {}): Promise<{ batches: BatchView[]; nextCursor: string | null }> {
      const query = new URLSearchParams();
      if (o.limit !== undefined) query.set("limit", String(o.limit));
      if (o.cursor) query.set("cursor", o.cursor);
      return transport.json(`/v1/batches${query.size ? `?${query}` : ""}`, withSignal(o));
    },

    /** The batch's events until it ends (resumes by itself after a dropped connection). */
    events: (id: string, o: Signal & { after?: number } = {}): AsyncGenerator<BatchEvent> => followBatchEvents(transport, id, o),

    /** The batch's items in order (status, job id, QA pair count or failure); pass `nextCursor` for the next page. */
    async items(id: string, o: Signal & { limit?: number; cursor?: string; status?: BatchItemView["status"] } = {}): Promise<BatchItemsResponse> {
      const query = new URLSearchParams();
      if (o.limit !== undefined) query.set("limit", String(o.limit));
      if (o.cursor) query.set("cursor", o.cursor);
      if (o.status) query.set("status", o.status);
      return BatchItemsResponse.parse(await transport.json(`${batchPath(id)}/items${query.size ? `?${query}` : ""}`, withSignal(o)));
    },

    /** An ended item's QA pairs (the rows qa.jsonl gets), by the item's index; 409 `item_not_done` before it ends. */
    itemQa: async (id: string, idx: number, o?: Signal) => BatchItemQaResponse.parse(await transport.json(`${batchPath(id)}/items/${idx}/qa`, withSignal(o))),

    cancel: async (id: string, o?: Signal) => BatchView.parse(await transport.json(`${batchPath(id)}/cancel`, { method: "POST", ...withSignal(o) })),

    /** One dataset file of a completed batch. */
    async file(id: string, path: string, o?: Signal): Promise<Uint8Array> {
      const response = await transport.request(`${batchPath(id)}/outputs/${path.split("/").map(encodeURIComponent).join("/")}`, withSignal(o));
      return new Uint8Array(await response.arrayBuffer());
    },

    /** The files of the given formats (default: all the batch wrote), by relative path. */
    async download(id: string, formats?: readonly DatasetFormat[], o?: Signal): Promise<Map<string, Uint8Array>> {
      const batch = await api.get(id, o);
      const wanted = (p: string) => p === "report.json" || !formats || formats.some((f) => FORMAT_FILES[f](p));
      const out = new Map<string, Uint8Array>();
      for (const path of (batch.outputs ?? []).filter(wanted)) out.set(path, await api.file(id, path, o));
      return out;
    },
  };
  return api;
}
