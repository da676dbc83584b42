// The scene cache: a job whose inputs match a completed job's reuses that job's stored scene graph,
// and its questions are answered at the edge (no runner). Per tenant: a hit across tenants would
// tell one tenant that another sent the same private image. A deployment may opt into sharing
// (SHARE_SCENE_CACHE=true), for example when every tenant is one organisation. Questions the query
// language cannot express may go to a deployment's planner / VLM (answerForJob), with the job's
// image from R2.
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { PIPELINE_VERSION, askOutputLine, type AskOutputLine, type JobOptions } from "@spatial/shared/protocol";
import { answerWithBackends, type AnswerBackends, type ChatFetch, type VlmImage } from "@spatial/shared/reasoning";
import type { SceneGraph } from "@spatial/shared/spatial";
import { sha256Hex } from "../auth/crypto.js";
import type { Db } from "../db/client.js";
import { jobs, type JobRow } from "../db/schema.js";
import type { EdgeEnv } from "../env.js";

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

/**
 * The deployment's optional answer backends (wrangler.toml [vars], keys as secrets): none unless
 * both a base URL and a model are set, so the default needs no network.
 */
export function answerBackendsOf(env: Pick<EdgeEnv, "PLANNER_BASE_URL" | "PLANNER_MODEL" | "PLANNER_API_KEY" | "PLANNER_TIMEOUT_MS" | "VLM_BASE_URL" | "VLM_MODEL" | "VLM_API_KEY" | "VLM_TIMEOUT_MS" | "VLM_MAX_TOKENS">): AnswerBackends {
  // Unset or unparseable numbers fall back to the schemas' defaults (undefined takes the default).
  const positiveInt = (value: string | undefined) => (value && Number.isInteger(Number(value)) && Number(value) > 0 ? Number(value) : undefined);
  return {
    ...(env.PLANNER_BASE_URL && env.PLANNER_MODEL
      ? { planner: { baseUrl: env.PLANNER_BASE_URL, model: env.PLANNER_MODEL, apiKey: env.PLANNER_API_KEY || undefined, timeoutMs: positiveInt(env.PLANNER_TIMEOUT_MS) } }
      : {}),
    ...(env.VLM_BASE_URL && env.VLM_MODEL
      ? { vlm: { baseUrl: env.VLM_BASE_URL, model: env.VLM_MODEL, apiKey: env.VLM_API_KEY || undefined, timeoutMs: positiveInt(env.VLM_TIMEOUT_MS), maxTokens: positiveInt(env.VLM_MAX_TOKENS) } }
      : {}),
  };
}

/** Where a follow-up finds the job's image for a VLM: the R2 object the job was created with. */
export interface FollowUpImage {
  blobs: R2Bucket;
  key: string;
  contentType: string;
}

export interface AnswerAllOptions {
  backends?: AnswerBackends;
  image?: FollowUpImage;
  /** Tests: the fetch the planner / VLM calls go through. */
  fetch?: ChatFetch;
}

/** Reads the image once, the first time a VLM needs it; null when it is no longer stored. */
function imageLoader(image: FollowUpImage | undefined): () => Promise<VlmImage | null> {
  let loaded: Promise<VlmImage | null> | undefined;
  return () => (loaded ??= (async () => {
    if (!image) return null;
    const object = await image.blobs.get(image.key);
    return object ? { bytes: new Uint8Array(await object.arrayBuffer()), contentType: image.contentType } : null;
  })());
}

/**
 * Answers questions from a scene graph, as `spatial ask` prints them, each line saying who answered.
 * With no backends this is the program alone (no network); with some, a question the program cannot
 * express goes to the planner, then to the VLM with the job's stored image (answer-backends.ts).
 */
export async function answerAll(questions: readonly string[], graph: SceneGraph, options: AnswerAllOptions = {}): Promise<AskOutputLine[]> {
  const image = imageLoader(options.image);
  const lines: AskOutputLine[] = [];
  for (const question of questions) {
    const sourced = await answerWithBackends(question, graph, options.backends ?? {}, { image, ...(options.fetch ? { fetch: options.fetch } : {}) });
    lines.push(askOutputLine(question, sourced.answer, graph, { source: sourced.source, ...(sourced.model !== undefined ? { model: sourced.model } : {}) }));
  }
  return lines;
}

/** answerAll for a job's row: the deployment's backends and the image the job was created with. */
export const answerForJob = (env: EdgeEnv, row: Pick<JobRow, "imageKey" | "imageContentType">, questions: readonly string[], graph: SceneGraph): Promise<AskOutputLine[]> =>
  answerAll(questions, graph, { backends: answerBackendsOf(env), image: { blobs: env.BLOBS, key: row.imageKey, contentType: row.imageContentType } });
