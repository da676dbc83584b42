// What a job room writes to D1 (and R2) for an admitted event, so that GET /v1/jobs/:id and the
// scene cache see the job's progress: last_seq always; status on assignment and terminal events;
// the scene graph (R2, content-addressed); answers by question index; the error of a failure.
import { and, eq, notInArray, type SQL } from "drizzle-orm";
import { TERMINAL_EVENTS, type AskOutputLine, type JobEvent } from "@spatial/shared/protocol";
import { database } from "../db/client.js";
import { jobs, type JobRow } from "../db/schema.js";
import type { EdgeEnv } from "../env.js";
import { putScene } from "../jobs/scene-store.js";

const FINISHED = ["completed", "failed", "cancelled"] as const;

export async function persistEvent(env: EdgeEnv, event: JobEvent, answers: () => (AskOutputLine | null)[]): Promise<void> {
  const now = new Date();
  const set: Partial<JobRow> = { lastSeq: event.seq, updatedAt: now };
  let onlyUnfinished = false;
  switch (event.type) {
    case "job.assigned":
      set.status = "running";
      onlyUnfinished = true;
      break;
    case "scene.graph":
      set.sceneKey = await putScene(env.BLOBS, event.graph);
      break;
    case "answer.final":
      set.answers = answers();
      break;
    case "job.completed":
      Object.assign(set, { status: "completed", finishedAt: now });
      break;
    case "job.failed":
      Object.assign(set, { status: "failed", finishedAt: now, errorCode: event.code, errorMessage: event.message });
      break;
    case "job.cancelled":
      Object.assign(set, { status: "cancelled", finishedAt: now });
      break;
  }
  const where: SQL | undefined = onlyUnfinished ? and(eq(jobs.id, event.jobId), notInArray(jobs.status, [...FINISHED])) : eq(jobs.id, event.jobId);
  const [row] = await database(env.DB).update(jobs).set(set).where(where).returning({ batchId: jobs.batchId, batchIdx: jobs.batchIdx });
  // A batch item's job ended: the batch records its result through the queue (batches/consumer.ts).
  if (TERMINAL_EVENTS.has(event.type) && row?.batchId && row.batchIdx !== null) {
    await env.BATCH_QUEUE.send({ kind: "ended", batchId: row.batchId, idx: row.batchIdx, jobId: event.jobId });
  }
}
