// Creating a job. The D1 row is the source of truth: it is written first (with the request's
// idempotency claim, in one batch), then `startJob` opens the job's room and either serves it from
// the scene cache (the room gets job.accepted {cached: true}, scene.graph, one answer.final per
// question and job.completed, all from the edge) or queues it on its pool's runner hub. Every step
// of startJob is idempotent, so when the edge dies between the row and the queue, the hub's
// reconciler (runner-hub.ts) finds the orphaned row and runs startJob's steps again.
import { PIPELINE_VERSION, type JobSpec } from "@spatial/shared/protocol";
import type { SceneGraph } from "@spatial/shared/spatial";
import type { BatchItem } from "drizzle-orm/batch";
import { newId } from "../auth/crypto.js";
import type { Db } from "../db/client.js";
import { jobs, type JobRow } from "../db/schema.js";
import { settings, type EdgeEnv } from "../env.js";
import { answerForJob, cacheKey, cachedSceneKey } from "./cache.js";
import { claimStatements, findClaim, isUniqueViolation, replayOf, type IdempotencyClaim } from "./idempotency.js";
import type { ResolvedIntake, Upload } from "./intake.js";
import { getScene } from "./scene-store.js";

export const roomOf = (env: EdgeEnv, jobId: string) => env.JOB_ROOM.get(env.JOB_ROOM.idFromName(jobId));
export const hubOf = (env: EdgeEnv, pool: string) => env.RUNNER_HUB.get(env.RUNNER_HUB.idFromName(pool));

export interface NewJob {
  tenantId: string;
  keyId: string;
  pool: string;
  intake: ResolvedIntake;
  imageSha256: string;
  depthSha256?: string;
  idempotency?: IdempotencyClaim;
  /** The batch item this job perceives. */
  batch?: { batchId: string; idx: number };
}

export interface Created {
  row: JobRow;
  cached: boolean;
  /** True when an earlier request with the same Idempotency-Key created the job. */
  replayed: boolean;
}

async function storeBlob(blobs: R2Bucket, upload: Upload, sha256: string): Promise<string> {
  const key = `img/${sha256}`;
  if (!(await blobs.head(key))) await blobs.put(key, upload.bytes, { httpMetadata: { contentType: upload.contentType }, sha256 });
  return key;
}

export const loadJob = async (db: Db, id: string) => (await db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, id) })) ?? null;

export async function createJob(env: EdgeEnv, db: Db, job: NewJob): Promise<Created> {
  const { intake, tenantId } = job;
  const { options } = intake;
  const [imageKey, depthKey] = await Promise.all([
    storeBlob(env.BLOBS, intake.image, job.imageSha256),
    intake.depth && job.depthSha256 ? storeBlob(env.BLOBS, intake.depth, job.depthSha256) : undefined,
  ]);
  const key = await cacheKey({ imageSha256: job.imageSha256, depthSha256: job.depthSha256, options, ...(settings(env).shareSceneCache ? {} : { tenantId }) });
  const sceneKey = await cachedSceneKey(db, key);
  const graph = sceneKey ? await getScene(env.BLOBS, sceneKey) : null;
  const now = new Date();
  const id = newId("job");
  const insert = db.insert(jobs).values({
    id, tenantId, keyId: job.keyId, pool: job.pool, status: "queued", batchId: job.batch?.batchId ?? null, batchIdx: job.batch?.idx ?? null,
    imageSha256: job.imageSha256, imageKey, imageContentType: intake.image.contentType, imageBytes: intake.image.bytes.byteLength,
    depthSha256: job.depthSha256 ?? null, depthKey: depthKey ?? null, depthBytes: intake.depth?.bytes.byteLength ?? null,
    options, cacheKey: key, cached: graph !== null, createdAt: now, updatedAt: now,
  });
  const inserted = await insertJobRow(db, tenantId, id, insert, job.idempotency && { claim: job.idempotency, kind: "job", now });
  if (inserted.replayed) return { row: inserted.row, cached: inserted.row.cached, replayed: true };
  await startJob(env, inserted.row, graph);
  return { row: (await loadJob(db, id))!, cached: graph !== null, replayed: false };
}

/**
 * Inserts a job's row, with its Idempotency-Key claim in the same D1 batch when there is one (a
 * crash leaves both or neither). When a concurrent request with the same key won the race, its row
 * comes back instead (`replayed`): this request is its retry.
 */
export async function insertJobRow(db: Db, tenantId: string, id: string, insert: BatchItem<"sqlite">, idempotency?: { claim: IdempotencyClaim; kind: string; now: Date }): Promise<{ row: JobRow; replayed: boolean }> {
  if (idempotency) {
    try {
      await db.batch([...claimStatements(db, tenantId, idempotency.claim, idempotency.kind, id, idempotency.now), insert]);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const claim = await findClaim(db, tenantId, idempotency.claim.key);
      const existing = claim ? await loadJob(db, replayOf(claim, idempotency.claim, idempotency.kind)) : null;
      if (!existing) throw err;
      return { row: existing, replayed: true };
    }
  } else {
    await insert;
  }
  return { row: (await loadJob(db, id))!, replayed: false };
}

/**
 * Opens the job's room and serves it from `graph` or queues it. Idempotent: the room ignores a
 * second init and a repeated job.accepted, the hub a job it already holds.
 */
export async function startJob(
  env: EdgeEnv,
  row: JobRow,
  graph: SceneGraph | null,
  enqueue: (spec: JobSpec) => Promise<unknown> = (spec) => hubOf(env, row.pool).enqueue(spec, { pool: row.pool }),
): Promise<void> {
  const room = roomOf(env, row.id);
  await room.init({ jobId: row.id, ...(row.options.events ? { events: row.options.events } : {}) });
  await room.append({ type: "job.accepted", imageSha256: row.imageSha256, pipelineVersion: PIPELINE_VERSION, cached: graph !== null });
  if (graph) {
    const started = Date.now();
    await room.append({ type: "scene.graph", graph });
    for (const [index, line] of (await answerForJob(env, row, row.options.questions, graph)).entries()) {
      for (const step of line.trace ?? []) await room.append({ type: "answer.step", index, step });
      await room.append({ type: "answer.final", index, line });
    }
    await room.append({ type: "job.completed", ms: Date.now() - started });
  } else {
    await enqueue(specOf(row));
  }
}

/** What a runner is given, rebuilt from the job's row (the source of truth). */
export function specOf(row: JobRow): JobSpec {
  const { options } = row;
  return {
    jobId: row.id,
    image: { key: row.imageKey, contentType: row.imageContentType, bytes: row.imageBytes, sha256: row.imageSha256 },
    ...(row.depthKey && row.depthSha256 ? { depth: { key: row.depthKey, contentType: "image/png", bytes: row.depthBytes ?? 0, sha256: row.depthSha256 } } : {}),
    depthScale: options.depthScale,
    intrinsics: options.intrinsics,
    objects: options.objects,
    questions: options.questions,
    pipelineVersion: PIPELINE_VERSION,
    ...(row.reward ? { reward: row.reward } : {}),
  };
}

/** A cached scene graph for the row, if one was stored when it was created (a reconciled cache hit). */
export async function cachedGraphOf(env: EdgeEnv, db: Db, row: JobRow): Promise<SceneGraph | null> {
  if (!row.cached) return null;
  const sceneKey = await cachedSceneKey(db, row.cacheKey);
  return sceneKey ? getScene(env.BLOBS, sceneKey) : null;
}
