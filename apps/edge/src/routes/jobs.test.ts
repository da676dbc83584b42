import { env } from "cloudflare:workers";
import { JobView, PIPELINE_VERSION } from "@spatial/shared/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../auth/crypto.js";
import { verifyViewToken } from "../auth/view-token.js";
import { IMAGE_MAX_BYTES, MULTIPART_MAX_BYTES } from "../jobs/limits.js";
import { api, bearer, createKey, jobForm, jpeg, png, postJob, readSse } from "../testing/harness.js";

let key: string;
let otherKey: string;
beforeAll(async () => {
  key = (await createKey("tenant-a")).key;
  otherKey = (await createKey("tenant-b")).key;
});

const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });

describe("POST /v1/jobs", () => {
  it("stores the image by content hash, inserts the job and returns its view, events and socket URLs", async () => {
    const image = png(4, 3, 8, 2, 1);
    const res = await postJob(key, jobForm(image, { questions: ["How far is the chair from the table?"], intrinsics: { fx: 3, fy: 3, cx: 2, cy: 1.5 } }), "?pool=jobs-test");
    expect(res.status).toBe(202);
    const body = await res.json<{ job: JobView; eventsUrl: string; websocketUrl: string }>();
    expect(JobView.parse(body.job)).toBeTruthy();
    const sha = await sha256Hex(image);
    expect(body.job).toMatchObject({ status: "queued", questions: ["How far is the chair from the table?"], imageSha256: sha });
    expect(body.job.lastSeq).toBeGreaterThanOrEqual(2);
    const eventsUrl = new URL(body.eventsUrl), socket = new URL(body.websocketUrl);
    expect(`${eventsUrl.origin}${eventsUrl.pathname}`).toBe(`http://edge.test/v1/jobs/${body.job.id}/events`);
    expect(`${socket.protocol}//${socket.host}${socket.pathname}`).toBe(`ws://edge.test/v1/jobs/${body.job.id}/events`);
    // Both carry the job's view token (browsers cannot send the key), valid for this job only.
    expect(socket.searchParams.get("token")).toBe(eventsUrl.searchParams.get("token"));
    expect(await verifyViewToken(env.VIEW_TOKEN_SECRET!, eventsUrl.searchParams.get("token")!, body.job.id)).toBeTruthy();
    expect(await verifyViewToken(env.VIEW_TOKEN_SECRET!, eventsUrl.searchParams.get("token")!, "job_other")).toBeNull();
    const blob = await env.BLOBS.get(`img/${sha}`);
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(image);
    expect(blob!.httpMetadata?.contentType).toBe("image/png");
    const row = await env.DB.prepare("SELECT tenant_id, pool, image_key, cache_key FROM jobs WHERE id = ?").bind(body.job.id).first();
    expect(row).toMatchObject({ tenant_id: "tenant-a", pool: "jobs-test", image_key: `img/${sha}` });

    // The job is queued (no runner in this pool) and the log says so.
    const get = await api(`/v1/jobs/${body.job.id}`, { headers: bearer(key) });
    expect(get.status).toBe(200);
    expect((await get.json<JobView>()).status).toBe("queued");
    const events = await api(`/v1/jobs/${body.job.id}/events`, { headers: bearer(key) });
    const reader = events.body!.getReader();
    let text = "";
    while (!text.includes("job.queued")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain(`"type":"job.accepted","imageSha256":"${sha}","pipelineVersion":"${PIPELINE_VERSION}","cached":false`);
    expect(text).toContain(`"type":"job.queued","position":0`);
  });

  it("accepts a depth PNG only as a 16-bit greyscale PNG", async () => {
    const ok = await postJob(key, jobForm(jpeg(), { depthScale: 1000 }, png(4, 3, 16, 0)), "?pool=jobs-test");
    expect(ok.status).toBe(202);
    const job = (await ok.json<{ job: JobView }>()).job;
    expect(await env.DB.prepare("SELECT depth_key FROM jobs WHERE id = ?").bind(job.id).first("depth_key")).toMatch(/^img\/[0-9a-f]{64}$/);
    expect(await errorOf(await postJob(key, jobForm(jpeg(), {}, png(4, 3, 8, 0))))).toMatchObject({ status: 400, code: "invalid_request", message: expect.stringMatching(/^depth: /) });
    expect(await errorOf(await postJob(key, jobForm(jpeg(), {}, jpeg())))).toMatchObject({ status: 415, code: "unsupported_media_type" });
  });

  it("another tenant's job is a 404, on every per-job route", async () => {
    const res = await postJob(key, jobForm(png(4, 3, 8, 2, 2)), "?pool=jobs-test");
    const { job } = await res.json<{ job: JobView }>();
    for (const [path, method] of [[`/v1/jobs/${job.id}`, "GET"], [`/v1/jobs/${job.id}/events`, "GET"], [`/v1/jobs/${job.id}/cancel`, "POST"]] as const) {
      expect(await errorOf(await api(path, { method, headers: bearer(otherKey) }))).toMatchObject({ status: 404, code: "not_found" });
    }
    const ask = await api(`/v1/jobs/${job.id}/questions`, { method: "POST", headers: { ...bearer(otherKey), "Content-Type": "application/json" }, body: JSON.stringify({ questions: ["q?"] }) });
    expect(ask.status).toBe(404);
    expect((await api(`/v1/jobs/${job.id}`, { headers: bearer(key) })).status).toBe(200);
  });

  it("refuses oversize uploads with 413, by Content-Length and by actual size", async () => {
    const declared = await api("/v1/jobs", {
      method: "POST",
      headers: { ...bearer(key), "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(MULTIPART_MAX_BYTES + 1) },
      body: new Uint8Array(16),
    });
    expect(await errorOf(declared)).toMatchObject({ status: 413, code: "payload_too_large" });
    const big = new Uint8Array(IMAGE_MAX_BYTES + 1);
    big.set(png());
    expect(await errorOf(await postJob(key, jobForm(big)))).toMatchObject({ status: 413, code: "payload_too_large", message: expect.stringContaining("image") });
    const json = await api("/v1/jobs", { method: "POST", headers: { ...bearer(key), "Content-Type": "application/json" }, body: JSON.stringify({ imageUrl: "https://example.com/a.png", pad: "x".repeat(MULTIPART_MAX_BYTES / 50) }) });
    expect(await errorOf(json)).toMatchObject({ status: 413 });
  });

  it("refuses what is not a JPEG, PNG or WebP with 415", async () => {
    const gif = new TextEncoder().encode("GIF89a\u0001\u0000\u0001\u0000");
    expect(await errorOf(await postJob(key, jobForm(gif)))).toMatchObject({ status: 415, code: "unsupported_media_type", message: expect.stringContaining("image") });
    const text = await api("/v1/jobs", { method: "POST", headers: { ...bearer(key), "Content-Type": "text/plain" }, body: "hello" });
    expect(await errorOf(text)).toMatchObject({ status: 415, code: "unsupported_media_type" });
  });

  it("refuses malformed bodies and options with 400 naming the field", async () => {
    expect(await errorOf(await postJob(key, jobForm(png(), "{not json")))).toMatchObject({ status: 400, code: "invalid_request", message: "options: malformed JSON" });
    expect(await errorOf(await postJob(key, jobForm(png(), { questions: [""] })))).toMatchObject({ status: 400, message: expect.stringMatching(/^options\.questions\[0\]: /) });
    expect(await errorOf(await postJob(key, jobForm(png(), { intrinsics: { fx: -1, fy: 1, cx: 0, cy: 0 } })))).toMatchObject({ status: 400, message: expect.stringMatching(/^options\.intrinsics\.fx: /) });
    expect(await errorOf(await postJob(key, jobForm(png(), { objects: [{ label: "cup", box2d: [1, 2] }] })))).toMatchObject({ status: 400, message: expect.stringMatching(/^options\.objects\[0\]\.box2d/) });
    expect(await errorOf(await postJob(key, jobForm(null, {})))).toMatchObject({ status: 400, message: expect.stringMatching(/^image: /) });
    expect(await errorOf(await postJob(key, jobForm(png()), "?pool=Bad_Pool"))).toMatchObject({ status: 400, message: expect.stringMatching(/^pool: /) });
    const json = (body: string) => api("/v1/jobs", { method: "POST", headers: { ...bearer(key), "Content-Type": "application/json" }, body });
    expect(await errorOf(await json("{"))).toMatchObject({ status: 400, message: "body: malformed JSON" });
    expect(await errorOf(await json(JSON.stringify({ questions: ["q?"] })))).toMatchObject({ status: 400, message: expect.stringMatching(/^imageUrl: /) });
    expect(await errorOf(await json(JSON.stringify({ imageUrl: "not a url" })))).toMatchObject({ status: 400, message: expect.stringMatching(/^imageUrl: /) });
  });

  it("refuses private, loopback and link-local image URLs with 400 url_not_allowed", async () => {
    const json = (imageUrl: string) => api("/v1/jobs", { method: "POST", headers: { ...bearer(key), "Content-Type": "application/json" }, body: JSON.stringify({ imageUrl }) });
    for (const url of ["http://127.0.0.1:8787/v1/health", "http://localhost/a.png", "http://10.0.0.5/a.png", "http://192.168.0.1/a.png", "http://169.254.169.254/latest/meta-data/", "http://[::1]/a.png", "http://[fe80::1]/a.png", "http://0.0.0.0/", "ftp://example.com/a.png"]) {
      expect(await errorOf(await json(url))).toMatchObject({ status: 400, code: "url_not_allowed" });
    }
    expect(await errorOf(await postJob(key, jobForm(null, { imageUrl: "http://172.16.1.1/x.jpg" })))).toMatchObject({ status: 400, code: "url_not_allowed" });
  });
});

describe("questions and cancel before a scene exists", () => {
  it("asking is 409 scene_not_ready; cancelling a queued job is 202 and ends its stream", async () => {
    const { job } = await (await postJob(key, jobForm(png(4, 3, 8, 2, 3)), "?pool=jobs-test")).json<{ job: JobView }>();
    const ask = await api(`/v1/jobs/${job.id}/questions`, { method: "POST", headers: { ...bearer(key), "Content-Type": "application/json" }, body: JSON.stringify({ questions: ["How tall is the chair?"] }) });
    expect(await errorOf(ask)).toMatchObject({ status: 409, code: "scene_not_ready" });
    const badAsk = await api(`/v1/jobs/${job.id}/questions`, { method: "POST", headers: { ...bearer(key), "Content-Type": "application/json" }, body: JSON.stringify({ questions: [] }) });
    expect(await errorOf(badAsk)).toMatchObject({ status: 400, message: expect.stringMatching(/^questions: /) });

    const cancel = await api(`/v1/jobs/${job.id}/cancel`, { method: "POST", headers: bearer(key) });
    expect(cancel.status).toBe(202);
    expect((await cancel.json<{ job: JobView }>()).job.status).toBe("cancelled");
    const events = await readSse(await api(`/v1/jobs/${job.id}/events`, { headers: bearer(key) }));
    expect(events.map((e) => e.type)).toEqual(["job.accepted", "job.queued", "job.cancelled"]);
    expect(await errorOf(await api(`/v1/jobs/${job.id}/cancel`, { method: "POST", headers: bearer(key) }))).toMatchObject({ status: 409, code: "job_finished" });
  });
});

describe("GET /v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document generated from the zod schemas", async () => {
    const doc = await (await api("/v1/openapi.json")).json<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, any> } }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/health", "/v1/keys", "/v1/jobs", "/v1/jobs/{id}", "/v1/jobs/{id}/events", "/v1/jobs/{id}/questions", "/v1/jobs/{id}/cancel", "/v1/runners/connect"]));
    expect(doc.components.schemas.JobView.properties.status.enum).toEqual(["queued", "running", "completed", "failed", "cancelled"]);
    expect(doc.components.schemas.JobOptions.properties.questions.type).toBe("array");
    expect(doc.components.schemas.CreateJobResponse.properties.job).toEqual({ $ref: "#/components/schemas/JobView" });
    expect(JSON.stringify(doc)).not.toContain('"$ref":"#/components/schemas/undefined"');
  });
});
