// The client against a real HTTP server (node:http) that misbehaves on purpose: refusals with the
// API's error bodies, 429/503 with Retry-After, dropped connections and streams.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { createClient } from "./client.js";
import { AuthenticationError, ConflictError, ConnectionError, JobFailedError, PayloadTooLargeError, RateLimitError, ServerError } from "./errors.js";
import type { EventOf } from "./events.js";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handler(req, res, body));
  });
  await new Promise<void>((ok) => server!.listen(0, "127.0.0.1", ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((ok) => server?.close(ok));
  server = undefined;
});

const fast = { baseDelayMs: 5, maxDelayMs: 20 };
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
const view = { id: "job_1", status: "queued", createdAt: "2026-01-01T00:00:00.000Z", questions: [], imageSha256: "a".repeat(64), lastSeq: 1 };
const created = (base: string) => ({ job: view, eventsUrl: `${base}/v1/jobs/job_1/events?token=t`, websocketUrl: "" });
const sse = (events: object[]) => events.map((e) => `id: ${(e as { seq: number }).seq}\nevent: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
const ev = (seq: number, body: object) => ({ seq, jobId: "job_1", at: "2026-01-01T00:00:00.000Z", ...body });
const line = (question: string, text: string) => ({ question, answer: { text, type: "text" }, objects: [] });

describe("job creation", () => {
  it("retries a 503 after its Retry-After with the same Idempotency-Key, and a dropped connection", async () => {
    const seen: { key: string | undefined; at: number }[] = [];
    const base = await serve((req, res) => {
      seen.push({ key: req.headers["idempotency-key"] as string | undefined, at: Date.now() });
      if (seen.length === 1) return json(res, 503, { error: { code: "unavailable", message: "busy" } }, { "retry-after": "1" });
      if (seen.length === 2) return req.socket.destroy();
      json(res, 202, created(base));
    });
    const client = createClient({ baseUrl: base, apiKey: "sk_x", retry: fast });
    const out = await client.createJob({ image: new Uint8Array([1, 2, 3]) });
    expect(out.job.id).toBe("job_1");
    expect(seen).toHaveLength(3);
    expect(seen[0].key).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(950);
    // The next logical create gets a new key.
    seen.length = 2;
    await client.createJob({ options: { imageUrl: "https://example.com/a.jpg" } });
    expect(seen[2].key).not.toBe(seen[0].key);
  });

  it("gives up after maxRetries with a typed error carrying the server's code", async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      json(res, 429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "0" });
    });
    const error = await createClient({ baseUrl: base, apiKey: "sk_x", retry: { ...fast, maxRetries: 2 } }).getJob("job_1").catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", message: "slow down", retryAfterMs: 0 });
    expect(calls).toBe(3);
  });

  it("does not retry refusals; maps statuses to error types", async () => {
    const answers: Record<string, [number, string]> = { "/v1/jobs/a": [401, "unauthorized"], "/v1/jobs/b": [413, "payload_too_large"], "/v1/jobs/c": [409, "idempotency_conflict"], "/v1/jobs/d": [500, "internal"] };
    let calls = 0;
    const base = await serve((req, res) => {
      calls++;
      const [status, code] = answers[req.url!];
      json(res, status, { error: { code, message: `${code}!` } });
    });
    const client = createClient({ baseUrl: base, apiKey: "sk_x", retry: fast });
    await expect(client.getJob("a")).rejects.toBeInstanceOf(AuthenticationError);
    await expect(client.getJob("b")).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(client.getJob("c")).rejects.toMatchObject({ constructor: ConflictError, code: "idempotency_conflict" });
    await expect(client.getJob("d")).rejects.toBeInstanceOf(ServerError);
    expect(calls).toBe(4);
  });

  it("reports an unreachable server as a ConnectionError (status 0)", async () => {
    const base = await serve((req) => req.socket.destroy());
    const error = await createClient({ baseUrl: base, apiKey: "sk_x", retry: { ...fast, maxRetries: 1 } }).getJob("x").catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ status: 0, code: "server_unreachable" });
  });

  it("stops waiting the moment its AbortSignal fires", async () => {
    const base = await serve((_req, res) => json(res, 503, { error: { code: "unavailable", message: "busy" } }, { "retry-after": "30" }));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("user left")), 100);
    await expect(createClient({ baseUrl: base, apiKey: "sk_x" }).getJob("x", { signal: controller.signal })).rejects.toThrow("user left");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("events", () => {
  it("narrows by type, resumes after a dropped stream with Last-Event-ID, and reads the view-token URL without the key", async () => {
    const requests: { auth?: string; lastEventId?: string; url: string }[] = [];
    const all = [ev(1, { type: "job.accepted", imageSha256: "a".repeat(64), pipelineVersion: "p", cached: false }), ev(2, { type: "stage.started", stage: "decode" }), ev(3, { type: "answer.final", index: 0, line: line("q", "yes") }), ev(4, { type: "job.completed", ms: 5 })];
    const base = await serve((req, res) => {
      requests.push({ auth: req.headers.authorization, lastEventId: req.headers["last-event-id"] as string | undefined, url: req.url! });
      res.writeHead(200, { "content-type": "text/event-stream" });
      const after = Number(req.headers["last-event-id"] ?? 0);
      if (after === 0) return res.end(sse(all.slice(0, 2))); // drops after seq 2
      res.end(sse(all.filter((e) => e.seq > after)));
    });
    const client = createClient({ baseUrl: base, apiKey: "sk_x", retry: fast });
    const got: (EventOf<"answer.final"> | EventOf<"job.completed" | "job.failed" | "job.cancelled">)[] = [];
    for await (const e of client.events("job_1", { types: ["answer.final"], eventsUrl: `${base}/v1/jobs/job_1/events?token=t` })) {
      if (e.type === "answer.final") expectTypeOf(e.line.answer.text).toEqualTypeOf<string>();
      got.push(e);
    }
    expect(got.map((e) => [e.seq, e.type])).toEqual([[3, "answer.final"], [4, "job.completed"]]);
    expect(requests.map((r) => r.lastEventId)).toEqual([undefined, "2"]);
    expect(requests.every((r) => r.auth === undefined && r.url.endsWith("?token=t"))).toBe(true);
  });

  it("ask(image, questions) creates, follows and returns the answers in order; a failed job throws its code", async () => {
    let fail = false;
    const base = await serve((req, res, body) => {
      if (req.method === "POST") {
        expect(body).toContain("How far?");
        return json(res, 202, created(base));
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(fail
        ? sse([ev(1, { type: "job.failed", code: "image_decode_failed", message: "not an image" })])
        : sse([ev(1, { type: "answer.final", index: 1, line: line("Which?", "the cup") }), ev(2, { type: "answer.final", index: 0, line: line("How far?", "1 m") }), ev(3, { type: "job.completed", ms: 1 })]));
    });
    const client = createClient({ baseUrl: base, apiKey: "sk_x", retry: fast });
    const answers = await client.ask(new Uint8Array([1]), ["How far?", "Which?"]);
    expect(answers.map((a) => a.answer.text)).toEqual(["1 m", "the cup"]);
    fail = true;
    await expect(client.ask(new Uint8Array([1]), ["How far?"])).rejects.toMatchObject({ constructor: JobFailedError, code: "image_decode_failed", jobId: "job_1" });
  });
});
