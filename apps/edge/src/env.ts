// The worker's bindings (wrangler.toml). Vars arrive as strings; `settings` parses the numeric ones.
import type { BatchMessage } from "./batches/messages.js";
import type { BatchRoom } from "./durable/batch-room.js";
import type { JobRoom } from "./durable/job-room.js";
import type { WebhookMessage } from "./webhooks/messages.js";
import type { RateLimiter } from "./durable/rate-limiter.js";
import type { RunnerHub } from "./durable/runner-hub.js";

export interface EdgeEnv {
  DB: D1Database;
  BLOBS: R2Bucket;
  JOB_ROOM: DurableObjectNamespace<JobRoom>;
  RUNNER_HUB: DurableObjectNamespace<RunnerHub>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  BATCH_ROOM: DurableObjectNamespace<BatchRoom>;
  BATCH_QUEUE: Queue<BatchMessage>;
  WEBHOOK_QUEUE: Queue<WebhookMessage>;
  /** Secret in production (wrangler secret put); the wrangler.toml value is a local default. */
  ADMIN_TOKEN: string;
  /** Secret in production; runners present it on /v1/runners/connect and /v1/runner/blobs. */
  RUNNER_TOKEN: string;
  /** Secret in production; signs the job-scoped `?token=` of events URLs (browsers cannot send headers). */
  VIEW_TOKEN_SECRET?: string;
  DEFAULT_POOL?: string;
  HEARTBEAT_INTERVAL_MS?: string;
  LEASE_TIMEOUT_MS?: string;
  MAX_ATTEMPTS?: string;
  RATE_LIMIT_PER_MINUTE?: string;
  RATE_LIMIT_BURST?: string;
  QUEUE_TIMEOUT_MS?: string;
  RECONCILE_GRACE_MS?: string;
  RECONCILE_INTERVAL_MS?: string;
  /** "true": identical inputs of different tenants share scene graphs (off by default: it tells a tenant another one sent that image). */
  SHARE_SCENE_CACHE?: string;
  WEBHOOK_RETRY_SCHEDULE_S?: string;
  ALLOW_PRIVATE_WEBHOOKS?: string;
  /**
   * Optional answer backends for follow-up questions the query language cannot express (jobs/cache.ts
   * answerBackendsOf): an OpenAI-compatible base URL and model each; the keys are secrets.
   */
  PLANNER_BASE_URL?: string;
  PLANNER_MODEL?: string;
  PLANNER_API_KEY?: string;
  PLANNER_TIMEOUT_MS?: string;
  VLM_BASE_URL?: string;
  VLM_MODEL?: string;
  VLM_API_KEY?: string;
  VLM_TIMEOUT_MS?: string;
  VLM_MAX_TOKENS?: string;
}

export interface Settings {
  defaultPool: string;
  heartbeatIntervalMs: number;
  leaseTimeoutMs: number;
  maxAttempts: number;
  ratePerMinute: number;
  rateBurst: number;
  /** A queued job fails (`queue_timeout`) once no runner able to run it has been connected to its pool for this long. */
  queueTimeoutMs: number;
  /** A job row this old that its pool's hub holds neither queued nor leased is an orphan (the edge died while creating it). */
  reconcileGraceMs: number;
  /** How often a hub re-scans D1 for its orphans while its pool has unfinished jobs. */
  reconcileIntervalMs: number;
  shareSceneCache: boolean;
  /** Delay before each webhook attempt, seconds (the first is usually 0). */
  webhookScheduleS: number[];
  allowPrivateWebhooks: boolean;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const DEFAULT_WEBHOOK_SCHEDULE_S = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

function parseSchedule(value: string | undefined): number[] {
  const parts = (value ?? "").split(",").map((p) => Number(p.trim()));
  return parts.length && parts.every((p) => Number.isFinite(p) && p >= 0) && value ? parts : DEFAULT_WEBHOOK_SCHEDULE_S;
}

export function settings(env: EdgeEnv): Settings {
  return {
    defaultPool: env.DEFAULT_POOL || "default",
    heartbeatIntervalMs: positiveInt(env.HEARTBEAT_INTERVAL_MS, 10_000),
    leaseTimeoutMs: positiveInt(env.LEASE_TIMEOUT_MS, 30_000),
    maxAttempts: positiveInt(env.MAX_ATTEMPTS, 3),
    ratePerMinute: positiveInt(env.RATE_LIMIT_PER_MINUTE, 120),
    rateBurst: positiveInt(env.RATE_LIMIT_BURST, 60),
    queueTimeoutMs: positiveInt(env.QUEUE_TIMEOUT_MS, 10 * 60_000),
    reconcileGraceMs: positiveInt(env.RECONCILE_GRACE_MS, 2_000),
    reconcileIntervalMs: positiveInt(env.RECONCILE_INTERVAL_MS, 30_000),
    shareSceneCache: env.SHARE_SCENE_CACHE === "true",
    webhookScheduleS: parseSchedule(env.WEBHOOK_RETRY_SCHEDULE_S),
    allowPrivateWebhooks: env.ALLOW_PRIVATE_WEBHOOKS === "true",
  };
}

/** Hono's environment: bindings plus what the auth middleware puts on the context. */
export interface AppEnv {
  Bindings: EdgeEnv;
  Variables: { principal: Principal };
}

export type Principal =
  | { kind: "client"; keyId: string; tenantId: string; scopes: readonly string[] }
  | { kind: "admin" }
  | { kind: "runner" };
