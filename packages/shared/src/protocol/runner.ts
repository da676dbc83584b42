// The runner ↔ hub WebSocket protocol. JSON text frames, every message with a `type` in the
// "runner." / "hub." / "job." namespaces and the protocol version `v`. `parseRunnerMessage` and
// `parseHubMessage` return a typed message or null for anything unknown or malformed, so either
// side can ignore message types added later.
import { z } from "zod";
import { EventBody } from "./events.js";
import { JobSpec } from "./jobs.js";
import { MAX_CODE_CHARS, MAX_ID_CHARS, MAX_MESSAGE_CHARS } from "./limits.js";

export const PROTOCOL_VERSION = 1;
/** Close code of a runner socket refused because another live runner process uses its runnerId. */
export const RUNNER_ID_IN_USE = 4409;
const V = z.literal(PROTOCOL_VERSION);

export const RunnerCapabilities = z.object({
  /** Model names installed on the runner. */
  models: z.array(z.string().max(MAX_ID_CHARS)).max(100),
  device: z.enum(["cpu", "cuda"]),
  /** Jobs it runs at once. */
  concurrency: z.number().int().positive().max(64),
  pipelineVersion: z.string().max(MAX_ID_CHARS),
});
export type RunnerCapabilities = z.infer<typeof RunnerCapabilities>;

/** Runner → hub. */
export const RunnerMessage = z.discriminatedUnion("type", [
  /**
   * `instanceId` is random per runner process: a hello with the same runnerId and instanceId is that
   * process reconnecting (it replaces its old socket); another instance under a connected runnerId is
   * refused (close code RUNNER_ID_IN_USE) instead of the two evicting each other in a loop.
   */
  z.object({ v: V, type: z.literal("runner.hello"), runnerId: z.string().min(1).max(MAX_ID_CHARS), instanceId: z.string().min(1).max(MAX_ID_CHARS).optional(), capabilities: RunnerCapabilities }),
  z.object({ v: V, type: z.literal("runner.heartbeat"), activeJobs: z.array(z.string().max(MAX_ID_CHARS)).max(64) }),
  /** One event of a leased job; the hub drops events of leases it no longer honours. */
  z.object({ v: V, type: z.literal("job.event"), jobId: z.string().max(MAX_ID_CHARS), leaseId: z.string().max(MAX_ID_CHARS), event: EventBody }),
]);
export type RunnerMessage = z.infer<typeof RunnerMessage>;

/** Hub → runner. */
export const HubMessage = z.discriminatedUnion("type", [
  z.object({ v: V, type: z.literal("hub.welcome"), runnerId: z.string(), heartbeatIntervalMs: z.number().int().positive(), leaseTimeoutMs: z.number().int().positive() }),
  z.object({ v: V, type: z.literal("job.assign"), leaseId: z.string(), attempt: z.number().int().positive(), job: JobSpec }),
  z.object({ v: V, type: z.literal("job.cancel"), jobId: z.string(), leaseId: z.string() }),
  z.object({ v: V, type: z.literal("hub.error"), code: z.string().max(MAX_CODE_CHARS), message: z.string().max(MAX_MESSAGE_CHARS) }),
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
