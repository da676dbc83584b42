// Creating a job: store the blobs by content hash, insert the row, open its room, then either serve
// it from the scene cache (the room gets job.accepted {cached: true}, scene.graph, one answer.final
// per question and job.completed, all from the edge) or queue it on its pool's runner hub.
import { PIPELINE_VERSION, type JobSpec } from "@spatial/shared/protocol";
import { newId, sha256Hex } from "../auth/crypto.js";
import type { Db } from "../db/client.js";
import { jobs, type JobRow } from "../db/schema.js";
import type { EdgeEnv } from "../env.js";
import { answerAll, cacheKey, cachedSceneKey } from "./cache.js";
import type { Intake, Upload } from "./intake.js";
import { getScene } from "./scene-store.js";

export const roomOf = (env: EdgeEnv, jobId: string) => env.JOB_ROOM.get(env.JOB_ROOM.idFromName(jobId));
export const hubOf = (env: EdgeEnv, pool: string) => env.RUNNER_HUB.get(env.RUNNER_HUB.idFromName(pool));

async function storeBlob(blobs: R2Bucket, upload: Upload): Promise<{ key: string; sha256: string }> {
  const sha256 = await sha256Hex(upload.bytes);
  const key = `img/${sha256}`;
  if (!(await blobs.head(key))) await blobs.put(key, upload.bytes, { httpMetadata: { contentType: upload.contentType }, sha256 });
  return { key, sha256 };
}

export async function createJob(env: EdgeEnv, db: Db, tenantId: string, pool: string, intake: Intake): Promise<{ row: JobRow; cached: boolean }> {
  const { options } = intake;
  const [image, depth] = await Promise.all([storeBlob(env.BLOBS, intake.image), intake.depth ? storeBlob(env.BLOBS, intake.depth) : undefined]);
  const key = await cacheKey({ imageSha256: image.sha256, depthSha256: depth?.sha256, options });
  const sceneKey = await cachedSceneKey(db, key);
  const graph = sceneKey ? await getScene(env.BLOBS, sceneKey) : null;
  const now = new Date();
  const id = newId("job");
  await db.insert(jobs).values({
    id, tenantId, pool, status: "queued",
    imageSha256: image.sha256, imageKey: image.key, imageContentType: intake.image.contentType, imageBytes: intake.image.bytes.byteLength,
    depthSha256: depth?.sha256 ?? null, depthKey: depth?.key ?? null, depthBytes: intake.depth?.bytes.byteLength ?? null,
    options, cacheKey: key, cached: graph !== null, createdAt: now, updatedAt: now,
  });
  const room = roomOf(env, id);
  await room.init({ jobId: id, ...(options.events ? { events: options.events } : {}) });

  if (graph) {
    const started = Date.now();
    await room.append({ type: "job.accepted", imageSha256: image.sha256, pipelineVersion: PIPELINE_VERSION, cached: true });
    await room.append({ type: "scene.graph", graph });
    const lines = answerAll(options.questions, graph);
    for (const [index, line] of lines.entries()) await room.append({ type: "answer.final", index, line });
    await room.append({ type: "job.completed", ms: Date.now() - started });
  } else {
    await room.append({ type: "job.accepted", imageSha256: image.sha256, pipelineVersion: PIPELINE_VERSION, cached: false });
    const spec: JobSpec = {
      jobId: id,
      image: { key: image.key, contentType: intake.image.contentType, bytes: intake.image.bytes.byteLength, sha256: image.sha256 },
      ...(depth && intake.depth ? { depth: { key: depth.key, contentType: "image/png", bytes: intake.depth.bytes.byteLength, sha256: depth.sha256 } } : {}),
      depthScale: options.depthScale,
      intrinsics: options.intrinsics,
      objects: options.objects,
      questions: options.questions,
      pipelineVersion: PIPELINE_VERSION,
    };
    await hubOf(env, pool).enqueue(spec);
  }
  const row = await db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, id) });
  return { row: row!, cached: graph !== null };
}
