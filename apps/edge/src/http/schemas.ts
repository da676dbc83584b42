// Request and response bodies of the HTTP API that are not wire messages of packages/shared. The
// routes validate with these and the OpenAPI document is generated from them.
import { AskOutputLine, JobView, RunnerCapabilities } from "@spatial/shared/protocol";
import { z } from "zod";

export const Scope = z.enum(["jobs:write", "jobs:read"]);
export type Scope = z.infer<typeof Scope>;

export const HealthResponse = z.object({ ok: z.literal(true), pipelineVersion: z.string() });
export type HealthResponse = z.infer<typeof HealthResponse>;

export const CreateKeyBody = z.object({
  tenant: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, "letters, digits and . _ : - only"),
  name: z.string().trim().min(1).max(200).optional(),
  scopes: z.array(Scope).min(1).default(["jobs:write", "jobs:read"]),
  /** This key's token bucket, instead of the worker's defaults. */
  rateLimit: z.object({ perMinute: z.number().int().positive().max(100_000), burst: z.number().int().positive().max(100_000) }).optional(),
});
export type CreateKeyBody = z.infer<typeof CreateKeyBody>;

export const CreateKeyResponse = z.object({ id: z.string(), key: z.string(), tenant: z.string(), scopes: z.array(Scope) });
export type CreateKeyResponse = z.infer<typeof CreateKeyResponse>;

export const RevokeKeyResponse = z.object({ id: z.string(), revokedAt: z.string() });
export type RevokeKeyResponse = z.infer<typeof RevokeKeyResponse>;

export const CreateJobResponse = z.object({ job: JobView, eventsUrl: z.string(), websocketUrl: z.string() });
export type CreateJobResponse = z.infer<typeof CreateJobResponse>;

export const AskBody = z.object({ questions: z.array(z.string().trim().min(1).max(500)).min(1).max(50) });
export type AskBody = z.infer<typeof AskBody>;

export const AskResponse = z.object({ answers: z.array(AskOutputLine) });
export type AskResponse = z.infer<typeof AskResponse>;

export const CancelResponse = z.object({ job: JobView });
export type CancelResponse = z.infer<typeof CancelResponse>;

export { PoolName } from "@spatial/shared/protocol";

export const PoolSnapshot = z.object({
  runners: z.array(z.object({ runnerId: z.string(), capabilities: RunnerCapabilities, active: z.number().int(), lastSeenMs: z.number() })),
  queue: z.array(z.object({ jobId: z.string(), attempts: z.number().int() })),
  leases: z.array(z.object({ jobId: z.string(), leaseId: z.string(), runnerId: z.string(), attempt: z.number().int(), expiresAt: z.number() })),
});
export type PoolSnapshot = z.infer<typeof PoolSnapshot>;
