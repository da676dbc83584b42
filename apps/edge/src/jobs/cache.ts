// The scene cache: a job whose inputs match a completed job's reuses that job's stored scene graph,
// and its questions are answered at the edge (no runner). Per tenant: a hit across tenants would
// tell one tenant that another sent the same private image. A deployment may opt into sharing
// (SHARE_SCENE_CACHE=true), for example when every tenant is one organisation.
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { PIPELINE_VERSION, askOutputLine, type AskOutputLine, type JobOptions } from "@spatial/shared/protocol";
import { answerQuestion, type SceneGraph } from "@spatial/shared/spatial";
import { sha256Hex } from "../auth/crypto.js";
import type { Db } from "../db/client.js";
import { jobs } from "../db/schema.js";

export interface CacheInputs {
  imageSha256: string;
  depthSha256?: string;
  options: Pick<JobOptions, "intrinsics" | "objects" | "depthScale">;
  pipelineVersion?: string;
  /** The tenant the cache is scoped to; undefined only when the deployment shares the cache. */
  tenantId?: string;
}

/** sha256 of a canonical JSON of what determines the scene graph (questions do not). */
export function cacheKey({ imageSha256, depthSha256, options, pipelineVersion = PIPELINE_VERSION, tenantId }: CacheInputs): Promise<string> {
  const k = options.intrinsics;
  return sha256Hex(JSON.stringify({
    v: pipelineVersion,
    tenant: tenantId ?? null,
    image: imageSha256,
    depth: depthSha256 ?? null,
    depthScale: depthSha256 ? options.depthScale : null,
    intrinsics: k ? [k.fx, k.fy, k.cx, k.cy] : null,
    objects: options.objects ? options.objects.map((o) => [o.label, o.box2d]) : null,
  }));
}

/** The R2 key of a stored scene graph for `key`, if a completed job has one. */
export async function cachedSceneKey(db: Db, key: string): Promise<string | null> {
  const row = await db.query.jobs.findFirst({
    columns: { sceneKey: true },
    where: and(eq(jobs.cacheKey, key), eq(jobs.status, "completed"), isNotNull(jobs.sceneKey)),
    orderBy: desc(jobs.finishedAt),
  });
  return row?.sceneKey ?? null;
}

/** Answers questions from a scene graph, as `spatial ask` prints them. */
export const answerAll = (questions: readonly string[], graph: SceneGraph): AskOutputLine[] =>
  questions.map((q) => askOutputLine(q, answerQuestion(q, graph), graph));
