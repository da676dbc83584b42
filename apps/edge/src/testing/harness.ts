// Test helpers for the edge inside workerd: requests to the real worker, keys, tiny images, a
// WebSocket runner and viewer, and SSE reading. Nothing is mocked.
import { env, exports } from "cloudflare:workers";
import { PROTOCOL_VERSION, parseHubMessage, type EventBody, type HubMessage, type JobEvent, type RunnerMessage } from "@spatial/shared/protocol";

export const ORIGIN = "http://edge.test";

export const api = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function createKey(tenant: string, body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const res = await api("/v1/keys", { method: "POST", headers: { ...bearer(env.ADMIN_TOKEN), "Content-Type": "application/json" }, body: JSON.stringify({ tenant, ...body }) });
  if (res.status !== 201) throw new Error(`key creation: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A PNG that passes the edge's checks (signature + IHDR; the edge never decodes pixels). */
export function png(width = 4, height = 3, bitDepth = 8, colorType = 2, salt = 0): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes[24] = bitDepth;
  bytes[25] = colorType;
  bytes[63] = salt;
  return bytes;
}

/** A JPEG's header (JFIF APP0 and a baseline start-of-frame with the size) without scan data: enough for the edge. */
export function jpeg(salt = 0, width = 64, height = 48): Uint8Array {
  return new Uint8Array([
    0xff, 0xd8,
    0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, salt,
    0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
  ]);
}

export function jobForm(image: Uint8Array | null, options?: unknown, depth?: Uint8Array): FormData {
  const form = new FormData();
  if (image) form.set("image", new File([image], "image.png", { type: "image/png" }));
  if (depth) form.set("depth", new File([depth], "depth.png", { type: "image/png" }));
  if (options !== undefined) form.set("options", typeof options === "string" ? options : JSON.stringify(options));
  return form;
}

export const postJob = (key: string, form: FormData, query = "") => api(`/v1/jobs${query}`, { method: "POST", headers: bearer(key), body: form });

/** Reads an SSE response to its end into events (with their `id` and `event` lines checked). */
export async function readSse(res: Response): Promise<JobEvent[]> {
  const text = await res.text();
  return parseSse(text);
}

export function parseSse(text: string): JobEvent[] {
  const events: JobEvent[] = [];
  for (const block of text.split("\n\n")) {
    const lines = block.split("\n");
    const data = lines.find((l) => l.startsWith("data: "));
    if (!data) continue;
    const event = JSON.parse(data.slice(6)) as JobEvent;
    const id = lines.find((l) => l.startsWith("id: "))?.slice(4);
    const type = lines.find((l) => l.startsWith("event: "))?.slice(7);
    if (Number(id) !== event.seq || type !== event.type) throw new Error(`SSE frame id/event do not match its data: ${block}`);
    events.push(event);
  }
  return events;
}

/** Waits until `check` returns a value (polling), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A WebSocket client in the test whose messages queue up until taken. */
export class SocketClient<M> {
  readonly messages: M[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket, parse: (data: unknown) => M | null) {
    ws.accept();
    ws.addEventListener("message", (e) => {
      const m = parse(e.data);
      if (m) this.messages.push(m);
      this.wake();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      try {
        ws.close(1000, "bye");
      } catch {
        // already closed on our side
      }
      this.wake();
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Removes and returns the first queued message matching `match`, waiting for it. */
  async take<T extends M>(match: (m: M) => m is T, timeoutMs?: number): Promise<T>;
  async take(match: (m: M) => boolean, timeoutMs?: number): Promise<M>;
  async take(match: (m: M) => boolean, timeoutMs = 5000): Promise<M> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex(match);
      if (i >= 0) return this.messages.splice(i, 1)[0];
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) before the message came`);
      const left = until - Date.now();
      if (left <= 0) throw new Error(`timed out; queued: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    await eventually(async () => this.closed, timeoutMs, "socket close");
    return this.closed!;
  }
}

export async function openSocket(path: string, token: string): Promise<WebSocket> {
  const res = await api(path, { headers: { Upgrade: "websocket", ...bearer(token) } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  return res.webSocket;
}

export const CAPABILITIES = { models: ["yolox-nano-coco"], device: "cpu" as const, concurrency: 1, pipelineVersion: "spatial-pipeline/1" };

/** A runner speaking the protocol of packages/shared over a real socket to the worker. */
export class TestRunner extends SocketClient<HubMessage> {
  static async connect(pool: string, runnerId: string, concurrency = 1, instanceId?: string): Promise<TestRunner> {
    const runner = await TestRunner.open(pool, runnerId, concurrency, instanceId);
    await runner.take((m) => m.type === "hub.welcome");
    return runner;
  }

  /** Connects and says hello without waiting for the welcome. */
  static async open(pool: string, runnerId: string, concurrency = 1, instanceId?: string): Promise<TestRunner> {
    const runner = new TestRunner(await openSocket(`/v1/runners/connect?pool=${pool}`, env.RUNNER_TOKEN), parseHubMessage);
    runner.send({ v: PROTOCOL_VERSION, type: "runner.hello", runnerId, ...(instanceId ? { instanceId } : {}), capabilities: { ...CAPABILITIES, concurrency } });
    return runner;
  }

  send(message: RunnerMessage) {
    this.ws.send(JSON.stringify(message));
  }

  assignment(timeoutMs?: number) {
    return this.take((m): m is Extract<HubMessage, { type: "job.assign" }> => m.type === "job.assign", timeoutMs);
  }

  event(jobId: string, leaseId: string, event: EventBody) {
    this.send({ v: PROTOCOL_VERSION, type: "job.event", jobId, leaseId, event });
  }

  /**
   * Sends events one at a time, each after the previous one reached the job's room (or, for one
   * the room is expected to drop, after a short pause). In production workerd delivers a socket's
   * messages to the hub in order; under vitest-pool-workers each Durable Object event first awaits
   * a module import in another object, which can reorder back-to-back messages, so tests pace them.
   */
  async relay(jobId: string, leaseId: string, events: (EventBody | [EventBody, "dropped"])[]) {
    const room = env.JOB_ROOM.get(env.JOB_ROOM.idFromName(jobId));
    for (const item of events) {
      const [event, dropped] = Array.isArray(item) ? [item[0], true] : [item, false];
      const before = (await room.summary()).lastSeq;
      this.event(jobId, leaseId, event);
      if (dropped) await new Promise((r) => setTimeout(r, 30));
      else await eventually(async () => (await room.summary()).lastSeq > before, 3000, `${event.type} to reach the room`);
    }
  }

  close(code = 1000, reason = "test") {
    this.ws.close(code, reason);
  }
}

export const viewerOf = (ws: WebSocket) =>
  new SocketClient<JobEvent>(ws, (d) => (typeof d === "string" ? (JSON.parse(d) as JobEvent) : null));
