// Creating a batch: validate every item (uploads must be the tenant's, URLs public), keep the valid
// ones as JSONL chunks in R2, write the batch's row (with the Idempotency-Key claim, in one D1
// batch), open its room, and queue the first "expand". Nothing is perceived here: the request
// returns at once, and the queue and the room take it from there.
import { and, eq, inArray } from "drizzle-orm";
import { intrinsicsProblem } from "@spatial/shared/protocol";
import { newId } from "../auth/crypto.js";
import type { Db } from "../db/client.js";
import { batches, uploads, type BatchRow, type UploadRow } from "../db/schema.js";
import { settings, type EdgeEnv } from "../env.js";
import { ApiError, badRequest, notFound } from "../http/errors.js";
import { claimStatements, findClaim, isUniqueViolation, replayOf, type IdempotencyClaim } from "../jobs/idempotency.js";
import { checkPublicUrl } from "../jobs/public-url.js";
import { BatchItemInput, MAX_BATCH_ITEMS, type CreateBatchBody } from "@spatial/shared/protocol";
import { newWebhookSecret } from "../webhooks/deliver.js";

/** Items per R2 chunk and per "expand" message. */
export const CHUNK_ITEMS = 500;
/** Largest manifest read (bytes). */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
const MAX_REPORTED_REJECTIONS = 100;

/** One accepted item, as stored in the batch's chunks and rows. */
export interface NormalizedItem {
  idx: number;
  itemId: string;
  imageUrl?: string;
  imageUpload?: string;
  depthUpload?: string;
  depthScale?: number;
  intrinsics?: { fx: number; fy: number; cx: number; cy: number };
}

export const chunkKey = (batchId: string, chunk: number) => `batch/${batchId}/items/${chunk}.jsonl`;

interface Candidate {
  /** 1-based manifest line, or the inline item's index. */
  where: { line: number } | { index: number };
  item: BatchItemInput;
}

export interface CreatedBatch {
  row: BatchRow;
  replayed: boolean;
  webhookSecret?: string;
  rejected: { line: number; message: string }[];
  rejectedCount: number;
}

export async function createBatch(env: EdgeEnv, db: Db, who: { tenantId: string; keyId: string }, body: CreateBatchBody, pool: string, claim?: IdempotencyClaim): Promise<CreatedBatch> {
  const { tenantId } = who;
  const fromManifest = body.manifest !== undefined;
  const rejected: { line: number; message: string }[] = [];
  let rejectedCount = 0;
  /** Inline items fail the request (400 naming the item); manifest lines are reported and skipped. */
  const reject = (c: Candidate, code: string, message: string) => {
    if ("index" in c.where) throw new ApiError(code === "not_found" ? 404 : 400, code, `items[${c.where.index}]: ${message}`);
    rejectedCount++;
    if (rejected.length < MAX_REPORTED_REJECTIONS) rejected.push({ line: c.where.line, message });
  };

  const candidates: Candidate[] = fromManifest ? await readManifest(env, db, tenantId, body.manifest!, (line, message) => reject({ where: { line }, item: {} as BatchItemInput }, "invalid_request", message)) : body.items!.map((item, index) => ({ where: { index }, item }));
  if (candidates.length > MAX_BATCH_ITEMS) throw new ApiError(413, "payload_too_large", `a batch holds at most ${MAX_BATCH_ITEMS} items (got ${candidates.length}): split it`);

  const uploadIds = [...new Set(candidates.flatMap((c) => [c.item.upload, c.item.depth].filter((u): u is string => u !== undefined)))];
  const known = await loadUploads(db, tenantId, uploadIds);
  const seen = new Set<string>();
  const accepted: NormalizedItem[] = [];
  for (const c of candidates) {
    const { item } = c;
    const itemId = item.id ?? String("index" in c.where ? c.where.index : c.where.line);
    if (seen.has(itemId)) {
      reject(c, "invalid_request", `duplicate item id ${JSON.stringify(itemId)}`);
      continue;
    }
    const image = item.upload ? known.get(item.upload) : undefined;
    if (item.upload && image?.kind !== "image") {
      reject(c, "not_found", `upload ${item.upload} is not an image upload of yours`);
      continue;
    }
    if (item.depth && known.get(item.depth)?.kind !== "depth") {
      reject(c, "not_found", `upload ${item.depth} is not a depth upload of yours`);
      continue;
    }
    if (item.imageUrl) {
      try {
        checkPublicUrl(item.imageUrl);
      } catch (err) {
        reject(c, "url_not_allowed", (err as Error).message);
        continue;
      }
    }
    if (item.intrinsics && image?.width && image.height) {
      const problem = intrinsicsProblem(item.intrinsics, image.width, image.height);
      if (problem) {
        reject(c, "intrinsics_invalid", problem);
        continue;
      }
    }
    seen.add(itemId);
    accepted.push({ idx: accepted.length, itemId, ...(item.imageUrl ? { imageUrl: item.imageUrl } : {}), ...(item.upload ? { imageUpload: item.upload } : {}), ...(item.depth ? { depthUpload: item.depth } : {}), ...(item.depthScale !== undefined ? { depthScale: item.depthScale } : {}), ...(item.intrinsics ? { intrinsics: item.intrinsics } : {}) });
  }
  if (!accepted.length) throw new ApiError(400, "empty_batch", fromManifest ? `no valid item in the manifest (${rejectedCount} line(s) rejected; the first: line ${rejected[0]?.line}: ${rejected[0]?.message})` : "a batch needs at least one item");

  let webhookSecret: string | undefined;
  if (body.webhook) {
    if (!settings(env).allowPrivateWebhooks) {
      try {
        checkPublicUrl(body.webhook.url);
      } catch (err) {
        throw new ApiError(400, "url_not_allowed", `webhook.url: ${(err as Error).message.replace(/^imageUrl: /, "")}`);
      }
    }
    webhookSecret = newWebhookSecret();
  }

  const id = newId("bat");
  for (let chunk = 0; chunk * CHUNK_ITEMS < accepted.length; chunk++) {
    const lines = accepted.slice(chunk * CHUNK_ITEMS, (chunk + 1) * CHUNK_ITEMS).map((i) => JSON.stringify(i)).join("\n");
    await env.BLOBS.put(chunkKey(id, chunk), lines, { httpMetadata: { contentType: "application/x-ndjson" } });
  }
  const now = new Date();
  const insert = db.insert(batches).values({
    id, tenantId, keyId: who.keyId, pool, status: "queued", synthesis: body.synthesis, formats: body.formats,
    webhookUrl: body.webhook?.url ?? null, webhookSecret: webhookSecret ?? null, webhookEvents: body.webhook?.events ?? null,
    total: accepted.length, createdAt: now, updatedAt: now,
  });
  if (claim) {
    try {
      await db.batch([...claimStatements(db, tenantId, claim, "batch", id, now), insert]);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await findClaim(db, tenantId, claim.key);
      const row = existing ? await db.query.batches.findFirst({ where: eq(batches.id, replayOf(existing, claim, "batch")) }) : undefined;
      if (!row) throw err;
      return { row, replayed: true, rejected, rejectedCount };
    }
  } else {
    await insert;
  }
  await env.BATCH_ROOM.get(env.BATCH_ROOM.idFromName(id)).init(id);
  await env.BATCH_QUEUE.send({ kind: "expand", batchId: id, from: 0 });
  const row = (await db.query.batches.findFirst({ where: eq(batches.id, id) }))!;
  return { row, replayed: false, ...(webhookSecret ? { webhookSecret } : {}), rejected, rejectedCount };
}

export async function loadUploads(db: Db, tenantId: string, ids: string[]): Promise<Map<string, UploadRow>> {
  const out = new Map<string, UploadRow>();
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await db.select().from(uploads).where(and(eq(uploads.tenantId, tenantId), inArray(uploads.id, ids.slice(i, i + 90))));
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** The manifest's lines as candidates; malformed lines go to `reject` with their line number. */
async function readManifest(env: EdgeEnv, db: Db, tenantId: string, uploadId: string, reject: (line: number, message: string) => void): Promise<Candidate[]> {
  const upload = await db.query.uploads.findFirst({ where: and(eq(uploads.id, uploadId), eq(uploads.tenantId, tenantId)) });
  if (!upload || upload.kind !== "manifest") throw notFound("manifest upload");
  const object = await env.BLOBS.get(upload.key);
  if (!object) throw notFound("manifest upload");
  if (object.size > MAX_MANIFEST_BYTES) throw new ApiError(413, "payload_too_large", `the manifest exceeds ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB: split the batch`);
  const text = await object.text();
  const out: Candidate[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      reject(i + 1, "malformed JSON");
      continue;
    }
    const parsed = BatchItemInput.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      reject(i + 1, `${issue?.path.join(".") || "item"}: ${issue?.message ?? "invalid"}`);
      continue;
    }
    out.push({ where: { line: i + 1 }, item: parsed.data });
  }
  if (!out.length && !lines.some((l) => l.trim())) throw badRequest("manifest", "the manifest is empty");
  return out;
}
