// A whole runner: the pipeline (models load once, on first use), the connection to the edge's hub,
// the job loop, heartbeats, one log line per connection change and per job, and a clean stop.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { PIPELINE_VERSION, PROTOCOL_VERSION, type RunnerCapabilities } from "@spatial/shared/protocol";
import type { AnswerBackends } from "@spatial/shared/reasoning";
import type { PerceptionPipeline } from "../pipeline/perception.js";
import { WorkerPipelinePool } from "./pipeline-pool.js";
import { listCommand } from "../models/commands.js";
import type { DeviceName } from "../runtime/onnx.js";
import type { BackoffOptions } from "./backoff.js";
import { RunnerConnection, type ConnectionEvent } from "./connection.js";
import { JobRunner, type JobLogEvent } from "./job-runner.js";

export interface RunnerOptions {
  /** Base URL of the edge, http(s)://host[:port]. */
  edgeUrl: string;
  token: string;
  pool: string;
  concurrency: number;
  device: DeviceName;
  runnerId: string;
  modelDir?: string;
  manifestPaths?: string[];
  /** One line per connection change and per job; default: stderr. */
  log?: (line: string) => void;
  backoff?: Partial<BackoffOptions>;
  livenessTimeoutMs?: number;
  /**
   * A pipeline to share (tests); default: a pool of `concurrency` worker threads, each with its own
   * pipeline, so perception never blocks this thread's heartbeats, cancels and socket.
   */
  pipeline?: Pick<PerceptionPipeline, "perceive" | "dispose">;
  /** The optional planner / VLM for questions the query language cannot express (args.ts). */
  answerBackends?: AnswerBackends;
}

export interface Runner {
  readonly connection: RunnerConnection;
  readonly jobs: JobRunner;
  readonly capabilities: RunnerCapabilities;
  /**
   * Lets running jobs finish for up to `graceMs` (starting no new ones), abandons the rest (the hub
   * re-leases them when the socket closes), closes the socket and disposes the pipeline. Calling it
   * again with graceMs 0 ends the grace at once.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export const defaultRunnerId = (): string => `${hostname()}-${process.pid}`;

/** The hub's WebSocket URL: `connectUrl("https://e.dev", "gpu")` → `wss://e.dev/v1/runners/connect?pool=gpu`. */
export function connectUrl(edgeUrl: string, pool: string): string {
  const url = new URL("v1/runners/connect", edgeUrl.endsWith("/") ? edgeUrl : `${edgeUrl}/`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("pool", pool);
  return url.toString();
}

/** The installed models (capabilities) and the metric depth model the pipeline will use (the first installed, as "auto" picks). */
export async function installedModels(options: { modelDir?: string; manifestPaths?: string[] } = {}): Promise<{ models: string[]; depthModel: string | null }> {
  const rows = (await listCommand(options)).filter((r) => r.status === "installed");
  return { models: rows.map((r) => r.name), depthModel: rows.find((r) => r.task === "metric-depth")?.name ?? null };
}

export function describeConnectionEvent(event: ConnectionEvent, url: string): string {
  switch (event.type) {
    case "connecting":
      return `connecting to ${url}${event.attempt > 0 ? ` (retry ${event.attempt})` : ""}`;
    case "ready":
      return `connected as ${event.welcome.runnerId} (heartbeat ${event.welcome.heartbeatIntervalMs} ms, lease ${event.welcome.leaseTimeoutMs} ms${event.flushed ? `, ${event.flushed} queued messages sent` : ""})`;
    case "disconnected":
      return `disconnected (${event.code}${event.reason ? ` ${event.reason}` : ""}); reconnecting in ${(event.retryInMs / 1000).toFixed(1)} s`;
    case "failed":
      return `stopped: ${event.error.message}`;
    case "closed":
      return "connection closed";
  }
}

export function describeJobEvent(event: JobLogEvent): string {
  switch (event.type) {
    case "started":
      return `job ${event.jobId}: started (lease ${event.leaseId}, attempt ${event.attempt})`;
    case "completed":
      return `job ${event.jobId}: done in ${event.ms} ms`;
    case "failed":
      return `job ${event.jobId}: failed in ${event.ms} ms: ${event.code}: ${event.message}`;
    case "stopped":
      return `job ${event.jobId}: ${event.why}`;
  }
}

export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const log = options.log ?? ((line: string) => process.stderr.write(`spatial-runner: ${line}\n`));
  const manifestPaths = options.manifestPaths ?? [];
  const { models, depthModel } = await installedModels({ ...(options.modelDir ? { modelDir: options.modelDir } : {}), manifestPaths });
  const ownsPipeline = !options.pipeline;
  // The depth model is named, not "auto", so the depth source the runner reports is the one used.
  const pipeline = options.pipeline ?? new WorkerPipelinePool({ device: options.device, manifestPaths, depthModel, ...(options.modelDir ? { modelDir: options.modelDir } : {}) }, options.concurrency);
  const capabilities: RunnerCapabilities = { models, device: options.device, concurrency: options.concurrency, pipelineVersion: PIPELINE_VERSION };
  const url = connectUrl(options.edgeUrl, options.pool);

  log(`runner ${options.runnerId}: models ${models.join(", ") || "(none installed)"}; device ${options.device}; concurrency ${options.concurrency}; pool ${options.pool}`);
  let connection: RunnerConnection | undefined;
  const instanceId = randomUUID();
  const jobs = new JobRunner({
    pipeline,
    concurrency: options.concurrency,
    edgeUrl: options.edgeUrl,
    token: options.token,
    depthModel,
    send: (message) => connection!.send(message),
    discard: (jobId) => connection!.queued.dropJob(jobId),
    onJob: (event) => log(describeJobEvent(event)),
    ...(options.answerBackends ? { answerBackends: options.answerBackends } : {}),
  });
  connection = new RunnerConnection({
    url,
    token: options.token,
    // One instanceId per process: the hub tells this process reconnecting from another one using the same runner id.
    hello: () => ({ v: PROTOCOL_VERSION, type: "runner.hello", runnerId: options.runnerId, instanceId, capabilities }),
    heartbeat: () => ({ v: PROTOCOL_VERSION, type: "runner.heartbeat", activeJobs: jobs.activeJobs() }),
    onMessage: (message) => {
      if (message.type === "hub.error") log(`hub error ${message.code}: ${message.message}`);
      else jobs.handle(message);
    },
    onEvent: (event) => log(describeConnectionEvent(event, url)),
    queue: { isLive: (jobId) => jobs.isLive(jobId) },
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.livenessTimeoutMs !== undefined ? { livenessTimeoutMs: options.livenessTimeoutMs } : {}),
  }).start();
  // An auth failure ends the runner: no jobs can come any more.
  connection.done.catch(() => jobs.abandon());

  let stopping: Promise<void> | undefined;
  let hurry = () => {};
  const stop = async ({ graceMs = 0 } = {}) => {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      hurry = resolve;
    });
    await Promise.race([jobs.drain(), grace]);
    clearTimeout(timer);
    jobs.abandon();
    await connection!.close();
    // An abandoned job may still be inside a stage: free the models only once none is.
    const settled = await Promise.race([jobs.drain().then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, 5_000, false).unref())]);
    if (ownsPipeline && settled) await pipeline.dispose();
  };
  return {
    connection,
    jobs,
    capabilities,
    // A second stop() with graceMs 0 cuts the first one's grace short.
    stop: (o) => {
      if (stopping && o?.graceMs === 0) hurry();
      return (stopping ??= stop(o));
    },
  };
}
