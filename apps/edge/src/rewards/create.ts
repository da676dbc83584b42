// Creating a reward sequence (POST /v1/rewards). A sequence is stored and run as a job (the same
// row, room, queue, leases, reconciler and retries as any job), whose spec carries `reward`: its
// frames as R2 blobs, the task in words and the thresholds. Everything the runner could refuse
// from the files' headers is refused here first, naming the frame: uploads that are not the
// tenant's, frames of different sizes (one camera), depth maps that cannot be registered,
// implausible intrinsics, boxes outside the frame, and a task that names no goal.
import { parseRewardTask } from "@spatial/shared/reasoning";
import { objectNamesIn } from "@spatial/shared/spatial";
import { JobOptions, CreateRewardBody, type RewardSpec } from "@spatial/shared/protocol";
import type { z } from "zod";
import { newId } from "../auth/crypto.js";
import type { Db } from "../db/client.js";
import { jobs, type JobRow, type UploadRow } from "../db/schema.js";
import type { EdgeEnv } from "../env.js";
import { ApiError, notFound } from "../http/errors.js";
import { loadUploads } from "../batches/create.js";
import { insertJobRow, loadJob, startJob } from "../jobs/create.js";
import { checkAgainstHeaders } from "../jobs/header-checks.js";
import type { IdempotencyClaim } from "../jobs/idempotency.js";

type Body = z.output<typeof CreateRewardBody>;

export const TASK_EXAMPLES = `"move the gripper to the coke can", "put the apple in the bowl", "put the cup left of the plate", "lift the block 10 cm"`;

// Words that are the task grammar's own, never an object's name.
const GRAMMAR_WORDS = new Set(["move", "put", "place", "drop", "set", "stack", "lift", "raise", "pick", "up", "the", "a", "an", "to", "towards", "toward", "into", "in", "on", "onto", "inside", "of", "left", "right", "behind", "front", "and", "it", "cm", "mm", "m", "inch", "inches", "centimeters", "meters"]);

/**
 * Whether the task can be read at all, before perception: with every content word taken as a
 * possible object name (what a detector will see is not known yet), it must name two objects and a
 * goal, or one object and a lift height. The runner reads it again against the first frame's objects.
 */
export function taskProblem(body: Pick<Body, "task" | "frames">): string | null {
  const words = body.task.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 1 && !GRAMMAR_WORDS.has(w));
  const labels = [...objectNamesIn(body.task), ...body.frames.flatMap((f) => f.objects?.map((o) => o.label.toLowerCase()) ?? []), ...words];
  return parseRewardTask(body.task, labels) ? null : `name the object to move and its goal, for example ${TASK_EXAMPLES}`;
}

const blobOf = (u: UploadRow) => ({ key: u.key, contentType: u.contentType, bytes: u.bytes, sha256: u.sha256 });

/** The frames' uploads, checked; throws the 4xx for the first frame with a problem. */
async function resolveFrames(db: Db, tenantId: string, body: Body): Promise<RewardSpec["frames"]> {
  const ids = [...new Set(body.frames.flatMap((f) => (f.depth ? [f.upload, f.depth] : [f.upload])))];
  const known = await loadUploads(db, tenantId, ids);
  let size: { width: number; height: number } | null = null;
  return body.frames.map((frame, i) => {
    const image = known.get(frame.upload);
    if (image?.kind !== "image") throw notFound(`frames[${i}].upload: image upload ${frame.upload}`);
    const depth = frame.depth ? known.get(frame.depth) : undefined;
    if (frame.depth && depth?.kind !== "depth") throw notFound(`frames[${i}].depth: depth upload ${frame.depth}`);
    const frameSize = { width: image.width ?? 0, height: image.height ?? 0 };
    size ??= frameSize;
    if (frameSize.width !== size.width || frameSize.height !== size.height) {
      throw new ApiError(400, "frames_size_mismatch", `frames[${i}] is ${frameSize.width}×${frameSize.height} but frames[0] is ${size.width}×${size.height}: a sequence comes from one camera`);
    }
    try {
      checkAgainstHeaders({ image: { size: frameSize }, ...(depth ? { depth: { size: { width: depth.width ?? 0, height: depth.height ?? 0 } } } : {}), options: { intrinsics: body.intrinsics, objects: frame.objects } });
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.status, err.code, `frames[${i}]: ${err.message}`);
      throw err;
    }
    return { image: blobOf(image), ...(depth ? { depth: blobOf(depth) } : {}), ...(frame.objects ? { objects: frame.objects } : {}) };
  });
}

export interface NewReward {
  tenantId: string;
  keyId: string;
  pool: string;
  body: Body;
  idempotency?: IdempotencyClaim;
}

export async function createReward(env: EdgeEnv, db: Db, request: NewReward): Promise<{ row: JobRow; replayed: boolean }> {
  const { body, tenantId } = request;
  const problem = taskProblem(body);
  if (problem) throw new ApiError(400, "task_unrecognised", `task: ${problem}`);
  const frames = await resolveFrames(db, tenantId, body);
  const reward: RewardSpec = { task: body.task, frames, thresholds: body.thresholds };
  // The row's image is the last frame: the sequence ends with that frame's scene graph as the
  // job's scene, so the job's image, boxes and 3D agree when it is opened as any job.
  const last = frames[frames.length - 1];
  const now = new Date();
  const id = newId("job");
  const insert = db.insert(jobs).values({
    id, tenantId, keyId: request.keyId, pool: request.pool, status: "queued",
    imageSha256: last.image.sha256!, imageKey: last.image.key, imageContentType: last.image.contentType, imageBytes: last.image.bytes,
    depthSha256: last.depth?.sha256 ?? null, depthKey: last.depth?.key ?? null, depthBytes: last.depth?.bytes ?? null,
    options: JobOptions.parse({ intrinsics: body.intrinsics, depthScale: body.depthScale, ...(last.objects ? { objects: last.objects } : {}) }),
    reward,
    // A sequence is never served from, nor stored in, the scene cache: its key is its own.
    cacheKey: `reward:${id}`, cached: false, createdAt: now, updatedAt: now,
  });
  const inserted = await insertJobRow(db, tenantId, id, insert, request.idempotency && { claim: request.idempotency, kind: "reward", now });
  if (inserted.replayed) return inserted;
  await startJob(env, inserted.row, null);
  return { row: (await loadJob(db, id))!, replayed: false };
}
