// The SDK's Idempotency-Key against the real edge (unstable_dev; no runner needed, the jobs stay
// queued): a retry after a lost response gets the job the first attempt created, never a second one.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Unstable_DevWorker } from "wrangler";
import { createApiKey, startLocalWorker } from "../scripts/local-edge.js";
import { ConflictError, createClient } from "../packages/sdk/src/index.js";

const NYU = resolve(import.meta.dirname, "../../shared/fixtures/rgbd/nyu_00000");
let worker: Unstable_DevWorker;
let base: string;

beforeAll(async () => {
  ({ worker, base } = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-idem-"))));
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

const image = () => readFileSync(join(NYU, "rgb.jpg"));

describe("Idempotency-Key through the real edge", () => {
  it("a create whose response is lost is retried with the same key and yields one job", async () => {
    const apiKey = await createApiKey(base, "idem-lost");
    let posts = 0;
    const keys: (string | null)[] = [];
    // The first POST reaches the server, then its answer is lost on the way back.
    const lossy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === "POST") {
        keys.push(new Headers(init.headers).get("idempotency-key"));
        if (posts++ === 0) throw new TypeError("fetch failed: socket hang up");
      }
      return response;
    };
    const client = createClient({ baseUrl: base, apiKey, fetch: lossy, retry: { baseDelayMs: 10 } });
    const { job } = await client.createJob({ image: image(), options: { questions: ["How far is the chair from the table?"] } });
    expect(posts).toBe(2);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    const { jobs } = await client.listJobs();
    expect(jobs.map((j) => j.id)).toEqual([job.id]);
  }, 60_000);

  it("the same key with the same request is the same job; with another request a ConflictError", async () => {
    const client = createClient({ baseUrl: base, apiKey: await createApiKey(base, "idem-reuse") });
    const first = await client.createJob({ image: image(), idempotencyKey: "order-42" });
    const again = await client.createJob({ image: image(), idempotencyKey: "order-42" });
    expect(again.job.id).toBe(first.job.id);
    const other = await client.createJob({ image: image(), options: { questions: ["Is there a chair?"] }, idempotencyKey: "order-42" }).catch((e) => e);
    expect(other).toBeInstanceOf(ConflictError);
    expect(other).toMatchObject({ status: 409, code: "idempotency_conflict" });
    // Without a key of its own, each call is a new logical create.
    const fresh = await client.createJob({ image: image() });
    expect(fresh.job.id).not.toBe(first.job.id);
  }, 60_000);
});
