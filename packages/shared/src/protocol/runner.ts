// The runner ↔ hub WebSocket protocol. JSON text frames, every message with a `type` in the
// "runner." / "hub." / "job." namespaces and the protocol version `v`. `parseRunnerMessage` and
// `parseHubMessage` return a typed message or null for anything unknown or malformed, so either
// side can ignore message types added later.
import { z } from "zod";
import { EventBody } from "./events.js";
import { JobSpec } from "./jobs.js";

export const PROTOCOL_VERSION = 1;
const V = z.literal(PROTOCOL_VERSION);

export const RunnerCapabilities = z.object({
  /** Model names installed on the runner. */
  models: z.array(z.string()),
  device: z.enum(["cpu", "cuda"]),
  /** Jobs it runs at once. */
  concurrency: z.number().int().positive().max(64),
  pipelineVersion: z.string(),
});
export type RunnerCapabilities = z.infer<typeof RunnerCapabilities>;

/** Runner → hub. */
export const RunnerMessage = z.discriminatedUnion("type", [
  z.object({ v: V, type: z.literal("runner.hello"), runnerId: z.string().min(1).max(100), capabilities: RunnerCapabilities }),
  z.object({ v: V, type: z.literal("runner.heartbeat"), activeJobs: z.array(z.string()) }),
  /** One event of a leased job; the hub drops events of leases it no longer honours. */
  z.object({ v: V, type: z.literal("job.event"), jobId: z.string(), leaseId: z.string(), event: EventBody }),
]);
export type RunnerMessage = z.infer<typeof RunnerMessage>;

/** Hub → runner. */
export const HubMessage = z.discriminatedUnion("type", [
  z.object({ v: V, type: z.literal("hub.welcome"), runnerId: z.string(), heartbeatIntervalMs: z.number().int().positive(), leaseTimeoutMs: z.number().int().positive() }),
  z.object({ v: V, type: z.literal("job.assign"), leaseId: z.string(), attempt: z.number().int().positive(), job: JobSpec }),
  z.object({ v: V, type: z.literal("job.cancel"), jobId: z.string(), leaseId: z.string() }),
  z.object({ v: V, type: z.literal("hub.error"), code: z.string(), message: z.string() }),
]);
export type HubMessage = z.infer<typeof HubMessage>;

function parseWith<T>(schema: z.ZodType<T>, data: unknown): T | null {
  if (typeof data !== "string") return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export const parseRunnerMessage = (data: unknown): RunnerMessage | null => parseWith(RunnerMessage, data);
export const parseHubMessage = (data: unknown): HubMessage | null => parseWith(HubMessage, data);
