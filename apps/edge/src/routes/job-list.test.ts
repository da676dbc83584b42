import { beforeAll, describe, expect, it } from "vitest";
import { api, bearer, createKey, jobForm, png, postJob } from "../testing/harness.js";
import type { JobListResponse } from "./job-list.js";

let key: string;
let otherKey: string;
const ids: string[] = [];

beforeAll(async () => {
  key = (await createKey("list-tenant")).key;
  otherKey = (await createKey("list-other")).key;
  for (let i = 0; i < 5; i++) {
    const res = await postJob(key, jobForm(png(4, 3, 8, 2, 100 + i), { questions: [`question ${i}`] }), "?pool=list-test");
    ids.push(((await res.json()) as { job: { id: string } }).job.id);
  }
  await postJob(otherKey, jobForm(png(4, 3, 8, 2, 200), {}), "?pool=list-test");
});

const list = async (query: string, k = key) => {
  const res = await api(`/v1/jobs${query}`, { headers: bearer(k) });
  return { status: res.status, body: (await res.json()) as JobListResponse & { error?: { code: string } } };
};

describe("GET /v1/jobs", () => {
  it("pages through the tenant's own jobs, newest first, with no repeats or gaps", async () => {
    const first = await list("?limit=2");
    expect(first.status).toBe(200);
    expect(first.body.jobs.map((j) => j.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.jobs[0]).toMatchObject({ status: "queued", questions: ["question 4"], cached: false });
    const second = await list(`?limit=2&cursor=${first.body.nextCursor}`);
    const third = await list(`?limit=2&cursor=${second.body.nextCursor}`);
    expect([...second.body.jobs, ...third.body.jobs].map((j) => j.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.body.nextCursor).toBeNull();
  });

  it("shows another tenant none of them", async () => {
    const other = await list("", otherKey);
    expect(other.body.jobs).toHaveLength(1);
    expect(other.body.jobs.some((j) => ids.includes(j.id))).toBe(false);
  });

  it("refuses a bad limit or cursor with 400 and no key with 401", async () => {
    expect((await list("?limit=0")).status).toBe(400);
    expect((await list("?limit=1000")).status).toBe(400);
    expect((await list("?cursor=%21%21")).body.error?.code).toBe("invalid_request");
    expect((await api("/v1/jobs")).status).toBe(401);
  });
});

describe("GET /v1/jobs/:id/image", () => {
  it("returns the uploaded image to its tenant only", async () => {
    const res = await api(`/v1/jobs/${ids[0]}/image`, { headers: bearer(key) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png(4, 3, 8, 2, 100));
    expect((await api(`/v1/jobs/${ids[0]}/image`, { headers: bearer(otherKey) })).status).toBe(404);
  });
});

describe("GET /docs", () => {
  it("serves the API reference page for the OpenAPI document", async () => {
    const res = await api("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain("/v1/openapi.json");
    // Scalar's bundle from the worker's own static assets (the dashboard build copies it), no CDN.
    expect(html).toContain('<script src="/docs/api-reference.js"></script>');
    expect(html).not.toContain("cdn.jsdelivr.net");
  });
});
