// The typed client of the Spatial edge API. Works wherever `fetch` does (Node ≥ 20, browsers,
// Workers) and depends on nothing Node-only. Every call takes an AbortSignal; requests are retried
// on network errors, 429 and 502–504 (honouring Retry-After); each job creation carries a fresh
// Idempotency-Key that its own retries reuse, so a retry never starts a second job.
import { AskOutputLine, JobView, type BlobRef, type JobOptions } from "@spatial/shared/protocol";
import { decodeDepthPng, decodeLabelPng, decodePoints, type DepthMap, type LabelMap } from "./blobs.js";
import { ApiError, JobFailedError } from "./errors.js";
import { followEvents, type EventOf, type EventsOptions, type EventType, type TerminalEvent } from "./events.js";
import { retryPolicy, type RetryOptions } from "./retry.js";
import { batchApi } from "./batches.js";
import { rewardApi } from "./rewards.js";
import { createTransport, withSignal, type Signal } from "./transport.js";

export type { Signal } from "./transport.js";

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  retry?: RetryOptions;
}

export interface CreateJobInput {
  image?: Blob | Uint8Array;
  depth?: Blob | Uint8Array;
  options?: Partial<JobOptions>;
  /** Defaults to a fresh UUID per call; pass your own to make a create safe across your own restarts. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface CreatedJob {
  job: JobView;
  /** SSE URL with a job-scoped view token (`?token=`): a browser can follow the job without the key. */
  eventsUrl: string;
  websocketUrl: string;
}

export interface JobSummary {
  id: string;
  status: JobView["status"];
  createdAt: string;
  finishedAt?: string;
  questions: string[];
  cached: boolean;
  error?: { code: string; message: string };
}

const asBlob = (data: Blob | Uint8Array, type: string) => (data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>], { type }));
const jobPath = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;

export function createClient(options: ClientOptions) {
  const transport = createTransport({ baseUrl: options.baseUrl, apiKey: options.apiKey, fetch: options.fetch ?? ((...a) => fetch(...a)), retry: retryPolicy(options.retry) });
  const postJson = <T>(path: string, body: unknown, o?: Signal & { headers?: Record<string, string> }) =>
    transport.json<T>(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...o?.headers }, ...withSignal(o) });

  /** A job's stored output (a BlobRef's key from its events) as bytes. */
  async function getBlob(id: string, key: string, o?: Signal): Promise<Uint8Array> {
    const response = await transport.request(`${jobPath(id)}/blobs/${key.split("/").map(encodeURIComponent).join("/")}`, withSignal(o));
    return new Uint8Array(await response.arrayBuffer());
  }

  const batches = batchApi(transport);
  const client = {
    /** Batches: `client.batches.create(...)`, `.get(id)`, `.list()`, `.events(id)`, `.cancel(id)`, `.download(id, formats)`. */
    batches,
    /** Files for batches: `client.uploads.create(bytes, "image" | "depth" | "manifest")` → `{ upload: "upl_…" }`. */
    uploads: { create: batches.upload },
    /** Robot reward annotation: `for await (const e of client.rewards.stream({ task, frames })) …`, `.get(id)`. */
    rewards: rewardApi({ transport, upload: batches.upload, events: (id, o) => followEvents(transport, id, o) }),

    /** Uploads an image (or passes `options.imageUrl`) and starts a job. */
    async createJob(input: CreateJobInput): Promise<CreatedJob> {
      const headers = { "idempotency-key": input.idempotencyKey ?? crypto.randomUUID() };
      if (input.image) {
        const form = new FormData();
        form.set("image", asBlob(input.image, "application/octet-stream"), "image");
        if (input.depth) form.set("depth", asBlob(input.depth, "image/png"), "depth.png");
        form.set("options", JSON.stringify(input.options ?? {}));
        return transport.json<CreatedJob>("/v1/jobs", { method: "POST", body: form, headers, ...withSignal(input) });
      }
      return postJson<CreatedJob>("/v1/jobs", input.options ?? {}, { headers, ...withSignal(input) });
    },

    getJob: async (id: string, o?: Signal) => JobView.parse(await transport.json(jobPath(id), withSignal(o))),

    /** The tenant's jobs, newest first; pass the previous page's `nextCursor` for the next page. */
    listJobs: (o: Signal & { limit?: number; cursor?: string } = {}) => {
      const query = new URLSearchParams();
      if (o.limit !== undefined) query.set("limit", String(o.limit));
      if (o.cursor) query.set("cursor", o.cursor);
      return transport.json<{ jobs: JobSummary[]; nextCursor: string | null }>(`/v1/jobs${query.size ? `?${query}` : ""}`, withSignal(o));
    },

    /**
     * Answers questions. `ask(jobId, questions)`: new questions about an existing job, answered at
     * the edge from its stored scene graph (no runner). `ask(image, questions)`: creates a job for
     * the image, follows it and returns the answers in question order (throws JobFailedError if the
     * job fails).
     */
    async ask(target: string | Blob | Uint8Array | Omit<CreateJobInput, "signal">, questions: string[], o?: Signal): Promise<AskOutputLine[]> {
      if (typeof target === "string") {
        const { answers } = await postJson<{ answers: unknown[] }>(`${jobPath(target)}/questions`, { questions }, o);
        return answers.map((a) => AskOutputLine.parse(a));
      }
      const input: CreateJobInput = target instanceof Blob || target instanceof Uint8Array ? { image: target } : target;
      const created = await client.createJob({ ...input, options: { ...input.options, questions }, ...withSignal(o) });
      const answers: AskOutputLine[] = [];
      for await (const event of client.events(created.job.id, { types: ["answer.final"], eventsUrl: created.eventsUrl, ...withSignal(o) })) {
        if (event.type === "answer.final") answers[event.index] = event.line;
        else if (event.type === "job.failed") throw new JobFailedError(created.job.id, event.code, event.message);
        else if (event.type === "job.cancelled") throw new JobFailedError(created.job.id, "job_cancelled", `job ${created.job.id} was cancelled`);
      }
      return answers;
    },

    getBlob,

    /** The job's uploaded image (for drawing its boxes over it, thumbnails). */
    async getImage(id: string, o?: Signal): Promise<Blob> {
      return (await transport.request(`${jobPath(id)}/image`, withSignal(o))).blob();
    },

    /** The depth map of a `perception.depth` event, in metres. */
    async getDepth(id: string, ref: Pick<BlobRef, "key">, o?: Signal): Promise<DepthMap> {
      return decodeDepthPng(await getBlob(id, ref.key, o));
    },

    /** The masks of a `perception.masks` event: one label (object index + 1) per pixel. */
    async getMasks(id: string, ref: Pick<BlobRef, "key">, o?: Signal): Promise<LabelMap> {
      return decodeLabelPng(await getBlob(id, ref.key, o));
    },

    /** An object's points from a `scene.pointcloud` event: world-frame xyz triples in metres. */
    async getPoints(id: string, ref: Pick<BlobRef, "key">, o?: Signal): Promise<Float32Array> {
      return decodePoints(await getBlob(id, ref.key, o));
    },

    cancelJob: (id: string, o?: Signal) => transport.json<{ job: JobView }>(`${jobPath(id)}/cancel`, { method: "POST", ...withSignal(o) }),

    /**
     * The job's events from `after` on, until a terminal event; `types` narrows what comes
     * (terminal events always do). Reconnects and resumes by itself.
     */
    events<T extends EventType = EventType>(id: string, opts: EventsOptions<T> = {}): AsyncGenerator<EventOf<T> | TerminalEvent> {
      return followEvents(transport, id, opts);
    },
  };
  return client;
}

export type SpatialClient = ReturnType<typeof createClient>;
export { ApiError };
