import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./crypto.js";
import { api, bearer, createKey, jobForm, png, postJob } from "../testing/harness.js";

const json = (body: unknown) => ({ "Content-Type": "application/json", body: JSON.stringify(body) });
const adminPost = (body: unknown) => api("/v1/keys", { method: "POST", headers: { ...bearer(env.ADMIN_TOKEN), "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("API keys", () => {
  it("are created by the admin, shown once and stored only as a SHA-256", async () => {
    const res = await adminPost({ tenant: "acme", name: "ci", scopes: ["jobs:read"] });
    expect(res.status).toBe(201);
    const { id, key, tenant, scopes } = await res.json<{ id: string; key: string; tenant: string; scopes: string[] }>();
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect({ tenant, scopes }).toEqual({ tenant: "acme", scopes: ["jobs:read"] });
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(id).first<Record<string, unknown>>();
    expect(row?.hash).toBe(await sha256Hex(key));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(await env.DB.prepare("SELECT id FROM tenants WHERE id = 'acme'").first()).toEqual({ id: "acme" });
    // A second key for the same tenant reuses it; keys differ.
    const again = await createKey("acme");
    expect(again.key).not.toBe(key);
  });

  it("need the admin token", async () => {
    for (const headers of [{}, bearer("nope"), bearer(env.RUNNER_TOKEN)]) {
      const res = await api("/v1/keys", { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ tenant: "x" }) });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    const { key } = await createKey("acme");
    expect((await api("/v1/keys", { method: "POST", headers: bearer(key), ...json({ tenant: "x" }) })).status).toBe(401);
  });

  it("refuse malformed bodies with a 400 naming the field", async () => {
    const res = await adminPost({ tenant: "a b", scopes: ["jobs:delete"] });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; message: string; issues: { path: string }[] } }>();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.issues.map((i) => i.path)).toEqual(["tenant", "scopes[0]"]);
    const bad = await api("/v1/keys", { method: "POST", headers: { ...bearer(env.ADMIN_TOKEN), "Content-Type": "application/json" }, body: "{" });
    expect(bad.status).toBe(400);
  });

  it("wrong and revoked keys are 401, a missing scope 403", async () => {
    expect((await api("/v1/jobs/job_x", { headers: bearer("sk_wrong") })).status).toBe(401);
    expect((await api("/v1/jobs/job_x")).status).toBe(401);

    const { id, key } = await createKey("acme");
    expect((await api("/v1/jobs/job_x", { headers: bearer(key) })).status).toBe(404);
    const revoke = await api(`/v1/keys/${id}`, { method: "DELETE", headers: bearer(env.ADMIN_TOKEN) });
    expect(revoke.status).toBe(200);
    const res = await api("/v1/jobs/job_x", { headers: bearer(key) });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect((await api(`/v1/keys/${id}`, { method: "DELETE", headers: bearer(env.ADMIN_TOKEN) })).status).toBe(404);

    const reader = await createKey("acme", { scopes: ["jobs:read"] });
    const denied = await postJob(reader.key, jobForm(png()));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: "forbidden" } });
  });

  it("the runner token is refused on client routes, client keys on runner routes", async () => {
    expect((await api("/v1/jobs/job_x", { headers: bearer(env.RUNNER_TOKEN) })).status).toBe(401);
    expect((await postJob(env.RUNNER_TOKEN, jobForm(png()))).status).toBe(401);
    expect((await api("/v1/jobs/job_x", { headers: bearer(env.ADMIN_TOKEN) })).status).toBe(401);

    const { key } = await createKey("acme");
    const connect = await api("/v1/runners/connect?pool=default", { headers: { Upgrade: "websocket", ...bearer(key) } });
    expect(connect.status).toBe(401);
    expect(connect.webSocket).toBeNull();
    expect((await api("/v1/runner/blobs/img/abc", { headers: bearer(key) })).status).toBe(401);
    expect((await api("/v1/runner/blobs/img/abc", { headers: bearer(env.RUNNER_TOKEN) })).status).toBe(404);
  });

  it("rate-limits each key with a token bucket (429 with Retry-After)", async () => {
    const { key } = await createKey("acme", { rateLimit: { perMinute: 6, burst: 2 } });
    const other = await createKey("acme", { rateLimit: { perMinute: 6, burst: 2 } });
    expect((await api("/v1/jobs/job_x", { headers: bearer(key) })).status).toBe(404);
    expect((await api("/v1/jobs/job_x", { headers: bearer(key) })).status).toBe(404);
    const limited = await api("/v1/jobs/job_x", { headers: bearer(key) });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("Retry-After"))).toBeLessThanOrEqual(10);
    // Buckets are per key.
    expect((await api("/v1/jobs/job_x", { headers: bearer(other.key) })).status).toBe(404);
  });
});
