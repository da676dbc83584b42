// `spatial synth` against the service: local files are uploaded (content-addressed: a rerun
// re-uploads nothing new), one batch is created with an Idempotency-Key kept in --out, progress is
// followed live from the batch's events, and the dataset files are downloaded into --out. Ctrl-C
// leaves the batch running on the server; a rerun with the same --out picks the same batch up again
// (the key and the batch id live in <out>/.spatial-synth/server.json) instead of starting over.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ApiError, createClient, type SpatialClient } from "@spatial/sdk";
import type { SynthesisOptions } from "@spatial/shared/dataset";
import type { BatchItemInput, OutputFormat } from "@spatial/shared/protocol";
import { ServerError } from "../perceive-commands.js";
import type { InputProblem, SynthInput } from "./inputs.js";
import { SynthProgress, type ProgressCounts } from "./progress.js";
import { STATE_DIR } from "./state.js";

export interface ServerSynthOptions {
  server: string;
  apiKey: string;
  outDir: string;
  formats: OutputFormat[];
  synthesis: SynthesisOptions;
  webhook?: string;
}

export interface ServerSynthResult {
  batch: string;
  images: number;
  inDataset: number;
  skipped: number;
  failed: number;
  qaPairs: number;
  files: string[];
}

interface ServerState {
  server: string;
  idempotencyKey: string;
  batchId?: string;
}

const stateFile = (outDir: string) => join(outDir, STATE_DIR, "server.json");

async function loadState(outDir: string, server: string): Promise<ServerState> {
  try {
    const state = JSON.parse(await readFile(stateFile(outDir), "utf8")) as ServerState;
    if (state.server === server && state.idempotencyKey) return state;
  } catch {
    // none yet
  }
  return { server, idempotencyKey: randomUUID() };
}

async function saveState(outDir: string, state: ServerState): Promise<void> {
  await mkdir(dirname(stateFile(outDir)), { recursive: true });
  await writeFile(stateFile(outDir), JSON.stringify(state, null, 2));
}

/** The batch items: URLs as they are, local files uploaded (and deduplicated by the server). */
async function toItems(client: SpatialClient, items: SynthInput[]): Promise<BatchItemInput[]> {
  // Checked for every item before anything is uploaded.
  const withObjects = items.find((i) => i.objects);
  if (withObjects) throw Object.assign(new Error(`${withObjects.ref}: caller objects (--objects files) are only supported with --local`), { code: "usage" });
  const out: BatchItemInput[] = [];
  for (const item of items) {
    const image = /^https?:\/\//i.test(item.source) ? { imageUrl: item.source } : { upload: (await client.batches.upload(await readFile(item.source), "image")).upload };
    const depth = item.depth ? { depth: (await client.batches.upload(await readFile(item.depth.path), "depth")).upload, depthScale: item.depth.unitsPerMetre } : {};
    out.push({ id: item.id, ...image, ...depth, ...(item.intrinsics ? { intrinsics: item.intrinsics } : {}) } as BatchItemInput);
  }
  return out;
}

export async function runServerSynth(items: SynthInput[], problems: InputProblem[], options: ServerSynthOptions): Promise<ServerSynthResult> {
  const client = createClient({ baseUrl: options.server, apiKey: options.apiKey });
  const state = await loadState(options.outDir, options.server);
  try {
    if (!state.batchId) {
      const created = await client.batches.create(
        { items: await toItems(client, items), synthesis: options.synthesis, formats: options.formats, ...(options.webhook ? { webhook: { url: options.webhook } } : {}) },
        { idempotencyKey: state.idempotencyKey },
      );
      state.batchId = created.batch.id;
      await saveState(options.outDir, state);
      for (const r of created.rejected) process.stderr.write(`spatial: item line ${r.line}: ${r.message}\n`);
      if (created.webhookSecret) process.stderr.write(`spatial: webhook secret (shown once, verify deliveries with it): ${created.webhookSecret}\n`);
    }
    const batchId = state.batchId;
    let view = await client.batches.get(batchId);
    const counts: ProgressCounts = { done: 0, failed: 0, total: view.total };
    const setCounts = (c: { done: number; failed: number; skipped: number }) => Object.assign(counts, { done: c.done + c.skipped, failed: c.failed });
    setCounts(view.counts);
    const progress = new SynthProgress(counts);
    if (!["completed", "failed", "cancelled"].includes(view.status)) {
      for await (const event of client.batches.events(batchId)) {
        if (event.type === "batch.progress" || event.type === "batch.completed") setCounts(event.counts);
        progress.update();
      }
      view = await client.batches.get(batchId);
    }
    setCounts(view.counts);
    progress.update(true);
    if (view.status !== "completed") throw new ServerError(`server_batch_${view.status}`, `batch ${batchId} ended ${view.status}${view.error ? `: ${view.error.code}: ${view.error.message}` : ""}`);
    const files = await client.batches.download(batchId, options.formats);
    for (const [path, bytes] of files) {
      const target = join(options.outDir, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    return { batch: batchId, images: view.total + problems.length, inDataset: view.counts.done, skipped: view.counts.skipped, failed: view.counts.failed, qaPairs: view.qaPairs, files: [...files.keys()] };
  } catch (e) {
    if (e instanceof ApiError) throw new ServerError(e.status === 0 ? "server_unreachable" : `server_${e.code}`, `${options.server}: ${e.message}`);
    throw e;
  }
}
