// The typed client of the Spatial edge API. Works wherever `fetch` does (Node ≥ 20, browsers,
// Workers). A job's events come as an async iterator that resumes with Last-Event-ID when the
// connection drops, so a consumer sees every event once, in order.
import { createParser } from "eventsource-parser";
import { AskOutputLine, JobEvent, JobView, TERMINAL_EVENTS, type JobOptions } from "@spatial/shared/protocol";

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
}

/** An error answer of the API: its status and machine-readable code. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

export interface CreateJobInput {
  image?: Blob | Uint8Array;
  depth?: Blob | Uint8Array;
  options?: Partial<JobOptions>;
}

export interface CreatedJob {
  job: JobView;
  eventsUrl: string;
  websocketUrl: string;
}

const asBlob = (data: Blob | Uint8Array, type: string) => (data instanceof Blob ? data : new Blob([data], { type }));

export function createClient(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const auth = { authorization: `Bearer ${options.apiKey}` };

  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
    } catch (e) {
      throw new ApiError(0, "server_unreachable", `cannot reach ${base}: ${(e as Error).message}`);
    }
    const text = await response.text();
    const body = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, body?.error?.code ?? "http_error", body?.error?.message ?? `HTTP ${response.status}`);
    return body as T;
  }

  return {
    /** Uploads an image (or passes `options.imageUrl`) and starts a job. */
    async createJob(input: CreateJobInput): Promise<CreatedJob> {
      if (input.image) {
        const form = new FormData();
        form.set("image", asBlob(input.image, "application/octet-stream"), "image");
        if (input.depth) form.set("depth", asBlob(input.depth, "image/png"), "depth.png");
        form.set("options", JSON.stringify(input.options ?? {}));
        return call<CreatedJob>("/v1/jobs", { method: "POST", body: form });
      }
      return call<CreatedJob>("/v1/jobs", { method: "POST", body: JSON.stringify(input.options ?? {}), headers: { "content-type": "application/json" } });
    },

    getJob: (id: string) => call<JobView>(`/v1/jobs/${encodeURIComponent(id)}`).then((j) => JobView.parse(j)),

    /** Answers new questions about a finished job from its stored scene graph (no runner). */
    ask: (id: string, questions: string[]) =>
      call<{ answers: unknown[] }>(`/v1/jobs/${encodeURIComponent(id)}/questions`, { method: "POST", body: JSON.stringify({ questions }), headers: { "content-type": "application/json" } }).then((r) => r.answers.map((a) => AskOutputLine.parse(a))),

    /** A job's stored output (a BlobRef's key from its events): the depth map PNG or a point cloud's float32 xyz. */
    async getBlob(id: string, key: string): Promise<Uint8Array> {
      const response = await doFetch(`${base}/v1/jobs/${encodeURIComponent(id)}/blobs/${key.split("/").map(encodeURIComponent).join("/")}`, { headers: auth });
      if (!response.ok) {
        const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
        throw new ApiError(response.status, body?.error?.code ?? "http_error", body?.error?.message ?? `HTTP ${response.status}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },

    cancelJob: (id: string) => call<unknown>(`/v1/jobs/${encodeURIComponent(id)}/cancel`, { method: "POST" }),

    /**
     * The job's events from `after` on, until a terminal event. Reconnects (up to `maxRetries`
     * times in a row, with growing pauses) and resumes after the last event it delivered.
     */
    async *events(id: string, opts: { after?: number; maxRetries?: number; signal?: AbortSignal } = {}): AsyncGenerator<JobEvent> {
      let lastSeq = opts.after ?? 0;
      let failures = 0;
      const maxRetries = opts.maxRetries ?? 8;
      while (true) {
        const queue: JobEvent[] = [];
        let done = false;
        try {
          const response = await doFetch(`${base}/v1/jobs/${encodeURIComponent(id)}/events`, {
            headers: { ...auth, accept: "text/event-stream", ...(lastSeq > 0 ? { "last-event-id": String(lastSeq) } : {}) },
            ...(opts.signal ? { signal: opts.signal } : {}),
          });
          if (!response.ok || !response.body) {
            const body = await response.text().catch(() => "");
            let parsed: { error?: { code?: string; message?: string } } | undefined;
            try { parsed = JSON.parse(body); } catch { /* not JSON */ }
            throw new ApiError(response.status, parsed?.error?.code ?? "http_error", parsed?.error?.message ?? `HTTP ${response.status}`);
          }
          const parser = createParser({ onEvent: (m) => { if (m.data) queue.push(JobEvent.parse(JSON.parse(m.data))); } });
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          while (!done) {
            const { value, done: ended } = await reader.read();
            if (ended) break;
            parser.feed(value);
            while (queue.length > 0) {
              const event = queue.shift()!;
              if (event.seq <= lastSeq) continue; // a replay after resume
              lastSeq = event.seq;
              failures = 0;
              yield event;
              if (TERMINAL_EVENTS.has(event.type)) { done = true; break; }
            }
          }
          if (done) { await reader.cancel().catch(() => undefined); return; }
        } catch (e) {
          if (e instanceof ApiError && e.status >= 400 && e.status < 500) throw e;
          if (opts.signal?.aborted) throw e;
        }
        if (++failures > maxRetries) throw new ApiError(0, "server_unreachable", `lost the event stream of job ${id} after ${maxRetries} retries`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** failures)));
      }
    },
  };
}

export type SpatialClient = ReturnType<typeof createClient>;
