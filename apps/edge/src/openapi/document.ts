// GET /v1/openapi.json: OpenAPI 3.1 generated from the same zod schemas the routes validate with
// (z.toJSONSchema over two registries: request bodies as inputs, responses as outputs). The
// operation table below only says which schema goes where.
import { JobEvent, JobOptions, JobView, PIPELINE_VERSION } from "@spatial/shared/protocol";
import { z } from "zod";
import { ErrorBody } from "../http/errors.js";
import { BatchItemQaResponse, BatchItemsResponse, BatchView, CreateBatchBody, CreateBatchResponse, UploadView } from "@spatial/shared/protocol";
import { BatchListResponse, DeliveriesResponse } from "../routes/batches.js";
import { CreateRewardBody } from "@spatial/shared/protocol";
import { RewardView } from "../routes/rewards.js";
import { JobListResponse } from "../routes/job-list.js";
import { AskBody, AskResponse, CancelResponse, PoolSnapshot, CreateJobResponse, CreateKeyBody, CreateKeyResponse, HealthResponse, RevokeKeyResponse } from "../http/schemas.js";

type Security = "apiKey" | "admin" | "runner" | null;
type Named = { name: string; schema: z.ZodType };

interface Operation {
  method: "get" | "post" | "put" | "delete";
  path: string;
  summary: string;
  security: Security;
  scope?: string;
  body?: Named | { multipart: true };
  query?: { name: string; description: string }[];
  headers?: { name: string; description: string }[];
  responses: Record<number, { description: string; schema?: Named; contentType?: string }>;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const req = {
  JobOptions: { name: "JobOptions", schema: JobOptions }, CreateKeyBody: { name: "CreateKeyBody", schema: CreateKeyBody }, AskBody: { name: "AskBody", schema: AskBody },
  CreateBatchBody: { name: "CreateBatchBody", schema: CreateBatchBody }, CreateRewardBody: { name: "CreateRewardBody", schema: CreateRewardBody },
};
const res = {
  Health: { name: "HealthResponse", schema: HealthResponse }, Key: { name: "CreateKeyResponse", schema: CreateKeyResponse }, Revoke: { name: "RevokeKeyResponse", schema: RevokeKeyResponse },
  Create: { name: "CreateJobResponse", schema: CreateJobResponse }, JobView: { name: "JobView", schema: JobView }, Ask: { name: "AskResponse", schema: AskResponse },
  Cancel: { name: "CancelResponse", schema: CancelResponse }, Event: { name: "JobEvent", schema: JobEvent }, Error: { name: "ErrorBody", schema: ErrorBody },
  Pool: { name: "PoolSnapshot", schema: PoolSnapshot }, List: { name: "JobListResponse", schema: JobListResponse },
  Upload: { name: "UploadView", schema: UploadView }, Batch: { name: "BatchView", schema: BatchView }, CreatedBatch: { name: "CreateBatchResponse", schema: CreateBatchResponse },
  Batches: { name: "BatchListResponse", schema: BatchListResponse }, Deliveries: { name: "DeliveriesResponse", schema: DeliveriesResponse },
  Reward: { name: "RewardView", schema: RewardView },
  Items: { name: "BatchItemsResponse", schema: BatchItemsResponse }, ItemQa: { name: "BatchItemQaResponse", schema: BatchItemQaResponse },
};
const err = (description: string) => ({ description, schema: res.Error });
const authErrors = { 401: err("unauthorized: missing, unknown or revoked credentials"), 403: err("forbidden: the key lacks the scope"), 429: err("rate_limited (Retry-After)") };

export const OPERATIONS: Operation[] = [
  { method: "get", path: "/v1/health", summary: "Liveness and pipeline version", security: null, responses: { 200: { description: "ok", schema: res.Health } } },
  { method: "post", path: "/v1/keys", summary: "Create an API key (shown once); creates the tenant if new", security: "admin", body: req.CreateKeyBody, responses: { 201: { description: "created", schema: res.Key }, 400: err("invalid_request"), 401: err("unauthorized") } },
  { method: "delete", path: "/v1/keys/{id}", summary: "Revoke an API key", security: "admin", responses: { 200: { description: "revoked", schema: res.Revoke }, 404: err("not_found") } },
  {
    method: "post", path: "/v1/jobs", summary: "Create a job: multipart image (+ depth, options) or JSON JobOptions with imageUrl", security: "apiKey", scope: "jobs:write",
    body: { multipart: true }, query: [{ name: "pool", description: "runner pool (default DEFAULT_POOL)" }],
    headers: [{ name: "Idempotency-Key", description: "1–255 printable characters: the same key and request within 24 h return the first job (header Idempotent-Replayed: true); the same key with another request is a 409" }],
    responses: {
      200: { description: "finished at once (served from the tenant's scene cache), or a replay of a finished job", schema: res.Create }, 202: { description: "queued", schema: res.Create },
      400: err("invalid_request | url_not_allowed | url_fetch_failed | image_corrupt | intrinsics_invalid (field of view outside 1°–170°, principal point outside the image) | objects_box_outside | depth_size_mismatch"),
      409: err("idempotency_conflict"),
      413: err("payload_too_large (image/depth > 25 MiB, options > 128 KiB) | image_too_large / depth_too_large (> 40 MP by the header)"), 415: err("unsupported_media_type"), ...authErrors,
    },
  },
  { method: "get", path: "/v1/jobs", summary: "The tenant's jobs, newest first (cursor pages)", security: "apiKey", scope: "jobs:read", query: [{ name: "limit", description: "1–100 (default 20)" }, { name: "cursor", description: "nextCursor of the previous page" }], responses: { 200: { description: "a page", schema: res.List }, 400: err("invalid_request"), ...authErrors } },
  { method: "get", path: "/v1/jobs/{id}/image", summary: "The job's uploaded image", security: "apiKey", scope: "jobs:read", responses: { 200: { description: "the image bytes", contentType: "image/*" }, 404: err("not_found"), ...authErrors } },
  { method: "get", path: "/v1/jobs/{id}", summary: "A job", security: "apiKey", scope: "jobs:read", responses: { 200: { description: "the job", schema: res.JobView }, 404: err("not_found"), ...authErrors } },
  {
    method: "get", path: "/v1/jobs/{id}/events", summary: "The job's events as SSE (id = seq), or JSON text messages on a WebSocket with Upgrade", security: "apiKey", scope: "jobs:read",
    query: [{ name: "after", description: "resume after this seq (or Last-Event-ID; one ahead of the log waits for later events)" }, { name: "token", description: "the job's view token from the create response (browsers), dies with the key that created the job" }],
    responses: { 200: { description: "text/event-stream of JobEvent", schema: res.Event, contentType: "text/event-stream" }, 101: { description: "WebSocket of JobEvent JSON messages" }, 404: err("not_found"), ...authErrors },
  },
  { method: "post", path: "/v1/jobs/{id}/questions", summary: "Answer new questions from the job's scene graph at the edge", security: "apiKey", scope: "jobs:read", body: req.AskBody, responses: { 200: { description: "answers", schema: res.Ask }, 409: err("scene_not_ready"), 404: err("not_found"), ...authErrors } },
  { method: "post", path: "/v1/jobs/{id}/cancel", summary: "Cancel a queued or running job", security: "apiKey", scope: "jobs:write", responses: { 202: { description: "cancelled", schema: res.Cancel }, 409: err("job_finished"), 404: err("not_found"), ...authErrors } },
  { method: "post", path: "/v1/uploads", summary: "Store one file (multipart `file`, `kind` = image | depth | manifest), content-addressed and deduplicated per tenant", security: "apiKey", scope: "jobs:write", responses: { 201: { description: "stored", schema: res.Upload }, 200: { description: "already stored", schema: res.Upload }, 400: err("invalid_request"), 413: err("payload_too_large | image_too_large"), 415: err("unsupported_media_type"), ...authErrors } },
  {
    method: "post", path: "/v1/batches", summary: "Create a batch from JSON items (≤ 1000) or an uploaded JSONL manifest; answered at once", security: "apiKey", scope: "jobs:write", body: req.CreateBatchBody,
    headers: [{ name: "Idempotency-Key", description: "as for jobs: the same key and body return the first batch" }],
    responses: { 202: { description: "accepted (rejected manifest lines listed by number)", schema: res.CreatedBatch }, 400: err("invalid_request | empty_batch | url_not_allowed | intrinsics_invalid"), 404: err("not_found (an upload)"), 409: err("idempotency_conflict"), 413: err("payload_too_large (use a manifest)"), ...authErrors },
  },
  { method: "get", path: "/v1/batches", summary: "The tenant's batches, newest first (cursor pages)", security: "apiKey", scope: "jobs:read", query: [{ name: "limit", description: "1–100" }, { name: "cursor", description: "nextCursor of the previous page" }], responses: { 200: { description: "a page", schema: res.Batches }, ...authErrors } },
  { method: "get", path: "/v1/batches/{id}", summary: "A batch: counts, throughput, ETA, QA pairs, outputs", security: "apiKey", scope: "jobs:read", responses: { 200: { description: "the batch", schema: res.Batch }, 404: err("not_found"), ...authErrors } },
  { method: "get", path: "/v1/batches/{id}/events", summary: "Batch events as SSE (batch.progress, batch.item.failed, batch.completed …); resume with Last-Event-ID", security: "apiKey", scope: "jobs:read", responses: { 200: { description: "text/event-stream", contentType: "text/event-stream" }, 404: err("not_found"), ...authErrors } },
  { method: "post", path: "/v1/batches/{id}/cancel", summary: "Cancel a batch", security: "apiKey", scope: "jobs:write", responses: { 202: { description: "cancelled", schema: res.Batch }, 409: err("batch_finished"), 404: err("not_found"), ...authErrors } },
  { method: "get", path: "/v1/batches/{id}/outputs/{path}", summary: "A dataset file of a completed batch (scenes.jsonl, qa.jsonl, llava.json, sharegpt.json, data/*.parquet, README.md, report.json, pointclouds/*.ply)", security: "apiKey", scope: "jobs:read", responses: { 200: { description: "the file", contentType: "application/octet-stream" }, 404: err("not_found"), ...authErrors } },
  { method: "get", path: "/v1/batches/{id}/deliveries", summary: "The batch's webhook deliveries: attempts, status codes, next retry", security: "apiKey", scope: "jobs:read", responses: { 200: { description: "the log", schema: res.Deliveries }, 404: err("not_found"), ...authErrors } },
  { method: "get", path: "/v1/batches/{id}/items", summary: "The batch's items in order: status, job id (open it as any job), QA pair count or failure code and message", security: "apiKey", scope: "jobs:read", query: [{ name: "limit", description: "1–500 (default 100)" }, { name: "cursor", description: "nextCursor of the previous page" }, { name: "status", description: "queued | running | done | failed | skipped" }], responses: { 200: { description: "a page", schema: res.Items }, 400: err("invalid_request"), 404: err("not_found"), ...authErrors } },
  { method: "get", path: "/v1/batches/{id}/items/{idx}/qa", summary: "An ended item's QA pairs (its qa.jsonl rows, object_ids naming its scene graph's objects), readable while the batch runs", security: "apiKey", scope: "jobs:read", responses: { 200: { description: "the pairs", schema: res.ItemQa }, 404: err("not_found | result_missing"), 409: err("item_not_done"), ...authErrors } },
  { method: "post", path: "/v1/batches/{id}/deliveries/{did}/redeliver", summary: "Send a webhook delivery again now", security: "apiKey", scope: "jobs:write", responses: { 202: { description: "queued" }, 404: err("not_found"), ...authErrors } },
  {
    method: "post", path: "/v1/rewards", summary: "Annotate a robot episode: frames (uploads, in order, one camera) and a task in words; streams reward.task, then one reward.frame per frame (measured quantity, dense reward in [0, 1], success with hysteresis, tracked objects) on the job's events URL",
    security: "apiKey", scope: "jobs:write", body: req.CreateRewardBody, query: [{ name: "pool", description: "runner pool (default DEFAULT_POOL)" }],
    headers: [{ name: "Idempotency-Key", description: "the same key and body within 24 h return the first sequence" }],
    responses: { 202: { description: "queued (a job: follow eventsUrl)", schema: res.Create }, 400: err("invalid_request | task_unrecognised | frames_size_mismatch | intrinsics_invalid | objects_box_outside | depth_size_mismatch"), 404: err("not_found (an upload that is not yours)"), 409: err("idempotency_conflict"), 413: err("payload_too_large"), ...authErrors },
  },
  { method: "get", path: "/v1/rewards/{id}", summary: "A reward sequence: its job, the task as read, and every frame's reward so far", security: "apiKey", scope: "jobs:read", responses: { 200: { description: "the sequence", schema: res.Reward }, 404: err("not_found"), ...authErrors } },
  { method: "get", path: "/v1/admin/pools/{pool}", summary: "A runner pool's runners, queue and leases", security: "admin", responses: { 200: { description: "snapshot", schema: res.Pool }, 401: err("unauthorized") } },
  { method: "get", path: "/v1/runners/connect", summary: "Runner WebSocket (runner protocol of packages/shared)", security: "runner", query: [{ name: "pool", description: "the runner's pool" }], responses: { 101: { description: "WebSocket" }, 401: err("unauthorized"), 426: err("upgrade_required") } },
  { method: "get", path: "/v1/runner/blobs/{key}", summary: "A stored blob (runner token)", security: "runner", responses: { 200: { description: "the bytes", contentType: "application/octet-stream" }, 404: err("not_found") } },
  { method: "put", path: "/v1/runner/blobs/{key}", summary: "Store a runner output under out/ (runner token)", security: "runner", responses: { 201: { description: "stored" } } },
];

function components() {
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  for (const s of Object.values(req)) inputs.add(s.schema, { id: s.name });
  for (const s of Object.values(res)) outputs.add(s.schema, { id: s.name });
  const uri = (id: string) => `#/components/schemas/${id}`;
  const a = z.toJSONSchema(inputs, { io: "input", uri, unrepresentable: "any" }).schemas;
  const b = z.toJSONSchema(outputs, { io: "output", uri, unrepresentable: "any" }).schemas;
  const all: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...a, ...b })) {
    const { $schema: _drop, ...rest } = v as Record<string, unknown>;
    all[k] = rest;
  }
  return all;
}

let cached: object | null = null;

export function openApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    for (const q of op.query ?? []) params.push({ name: q.name, in: "query", required: false, schema: { type: "string" }, description: q.description } as never);
    for (const h of op.headers ?? []) params.push({ name: h.name, in: "header", required: false, schema: { type: "string" }, description: h.description } as never);
    const body = op.body && ("multipart" in op.body
      ? {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object", required: ["image"],
                properties: { image: { type: "string", format: "binary", description: "JPEG, PNG or WebP, ≤ 25 MiB" }, depth: { type: "string", format: "binary", description: "16-bit greyscale PNG, ≤ 25 MiB" }, options: { type: "string", contentMediaType: "application/json", contentSchema: ref("JobOptions") } },
              },
            },
            "application/json": { schema: ref("JobOptions") },
          },
        }
      : { required: true, content: { "application/json": { schema: ref(op.body.name) } } });
    const responses = Object.fromEntries(Object.entries(op.responses).map(([status, r]) => [status, {
      description: r.description,
      ...(r.schema ? { content: { [r.contentType ?? "application/json"]: { schema: ref(r.schema.name) } } } : {}),
    }]));
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(op.security ? { security: [{ [op.security === "apiKey" ? "apiKey" : op.security === "admin" ? "adminToken" : "runnerToken"]: op.scope ? [op.scope] : [] }] } : { security: [] }),
      ...(params.length ? { parameters: params } : {}),
      ...(body ? { requestBody: body } : {}),
      responses,
    };
  }
  cached = {
    openapi: "3.1.0",
    info: { title: "Spatial API", version: PIPELINE_VERSION, description: "Metric spatial understanding of images: jobs, streamed events, edge answers from cached scene graphs." },
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas: components(),
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "a tenant API key (sk_…) with scopes jobs:write / jobs:read" },
        adminToken: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" },
        runnerToken: { type: "http", scheme: "bearer", description: "RUNNER_TOKEN" },
      },
    },
  };
  return cached;
}
