// D1 rows → the public JobView, and the ownership check every per-job route goes through: another
// tenant's job is a 404, never a 403 (its existence is not disclosed).
import { and, eq } from "drizzle-orm";
import { sceneOutput, type JobView } from "@spatial/shared/protocol";
import type { Db } from "../db/client.js";
import { jobs, type JobRow } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import { getScene } from "./scene-store.js";

export async function loadOwnedJob(db: Db, tenantId: string, id: string): Promise<JobRow> {
  const row = await db.query.jobs.findFirst({ where: and(eq(jobs.id, id), eq(jobs.tenantId, tenantId)) });
  if (!row) throw notFound();
  return row;
}

/** `scene` is the `spatial scene --json` object of the job's scene graph, once there is one. */
export async function jobView(blobs: R2Bucket, row: JobRow): Promise<JobView> {
  const graph = row.sceneKey ? await getScene(blobs, row.sceneKey) : null;
  const answers = row.answers?.filter((a) => a !== null);
  return {
    id: row.id,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    questions: row.options.questions,
    imageSha256: row.imageSha256,
    lastSeq: row.lastSeq,
    ...(graph ? { scene: sceneOutput(graph) } : {}),
    ...(answers?.length ? { answers } : {}),
    ...(row.errorCode ? { error: { code: row.errorCode, message: row.errorMessage ?? "" } } : {}),
  };
}
