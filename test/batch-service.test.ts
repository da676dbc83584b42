// A batch through the whole service: the real worker (unstable_dev: workerd, D1, R2, Durable
// Objects, Queues), real runner processes on the real pipeline, real fixture photos with their
// depth, and a webhook receiver on loopback that refuses its first 3 attempts. One runner is
// SIGKILLed mid-batch; the batch still completes with every image exactly once in every output,
// the receiver gets every event exactly once by id, and every signature verifies with the
// Standard Webhooks library's own verifier (a tampered body does not).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { parquetReadObjects } from "hyparquet";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Unstable_DevWorker } from "wrangler";
import { createClient, verifyWebhook, type SpatialClient } from "../packages/sdk/src/index.js";
import { createApiKey, killGroup, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURES = resolve(ROOT, "../shared/fixtures/rgbd");
const PHOTOS = [["unidepth_demo", "rgb.png"], ["nyu_00000", "rgb.jpg"], ["kitti_000008", "rgb.png"], ["sunrgbd_000017", "rgb.jpg"]] as const;

let worker: Unstable_DevWorker;
let base: string;
let key: string;
let client: SpatialClient;
let receiver: Server;
let receiverUrl: string;
const runners: ChildProcess[] = [];
const received: { id: string; body: string; headers: Record<string, string> }[] = [];
let refusals = 0;

function startRunner(id: string): ChildProcess {
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", id], { cwd: ROOT, stdio: "ignore", detached: true });
  runners.push(child);
  return child;
}

function fixture(dir: string, name: string): Buffer {
  try {
    return readFileSync(join(FIXTURES, dir, name));
  } catch {
    throw new Error(`${FIXTURES}/${dir}/${name} is missing: this test needs ../shared/fixtures beside the checkout`);
  }
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      if (refusals < 3) {
        refusals++;
        res.writeHead(503).end("not now");
        return;
      }
      received.push({ id: String(req.headers["webhook-id"]), body, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, "127.0.0.1", ok));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  // Development-only settings: a loopback receiver, and a retry schedule of seconds instead of hours.
  ({ worker, base } = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-batch-")), { ALLOW_PRIVATE_WEBHOOKS: "true", WEBHOOK_RETRY_SCHEDULE_S: "0,1,1,1,1,1,1" }));
  key = await createApiKey(base, "batch-service", { rateLimit: { perMinute: 100_000, burst: 100_000 } });
  client = createClient({ baseUrl: base, apiKey: key });
}, 120_000);

afterAll(async () => {
  await Promise.all(runners.map((r) => killGroup(r, "SIGKILL")));
  await worker?.stop();
  receiver?.close();
});

const upload = async (bytes: Buffer, kind: "image" | "depth") => (await client.batches.upload(new Uint8Array(bytes), kind)).upload;

const get = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } })).json()) as T;

describe("a batch through the edge, queues and real runners", () => {
  it("completes after a runner is killed mid-batch, every image once in every output, webhooks delivered once each and verified", async () => {
    const first = startRunner("batch-runner-1");
    const items = [];
    for (const [dir, rgb] of PHOTOS) {
      items.push({
        id: dir, upload: await upload(fixture(dir, rgb), "image"), depth: await upload(fixture(dir, "depth.png"), "depth"), depthScale: 1000,
        intrinsics: JSON.parse(fixture(dir, "intrinsics.json").toString()),
      });
    }
    const created = await client.batches.create({ items, synthesis: { seed: 3, perFamily: 1 }, formats: ["jsonl", "llava", "sharegpt", "parquet", "pointclouds"], webhook: { url: receiverUrl } });
    expect(created.webhookSecret).toMatch(/^whsec_/);
    const id = created.batch.id;
    const events = (async () => {
      const out = [];
      for await (const e of client.batches.events(id)) out.push(e);
      return out;
    })();

    // Kill the runner as soon as the first job is running (mid-batch), then bring another one.
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const view = await get<{ counts: { running: number; done: number } }>(`/v1/batches/${id}`);
      if (view.counts.running + view.counts.done > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await killGroup(first, "SIGKILL");
    startRunner("batch-runner-2");

    let view: { status: string; counts: Record<string, number>; qaPairs: number; outputs?: string[] } = { status: "", counts: {}, qaPairs: 0 };
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      view = await get(`/v1/batches/${id}`);
      if (["completed", "failed", "cancelled"].includes(view.status)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(view.status).toBe("completed");
    // The SDK's event stream: progress, then the completion, numbered without gaps.
    const streamed = await events;
    expect(streamed.map((e) => e.seq)).toEqual(streamed.map((_, i) => i + 1));
    expect(streamed.at(-1)?.type).toBe("batch.completed");
    expect(streamed.some((e) => e.type === "batch.progress")).toBe(true);
    const files = await client.batches.download(id, ["jsonl", "parquet"]);
    expect([...files.keys()]).toEqual(expect.arrayContaining(["scenes.jsonl", "qa.jsonl", "README.md", "report.json"]));
    expect([...files.keys()].some((p) => p.endsWith(".parquet"))).toBe(true);
    expect([...files.keys()]).not.toContain("llava.json");
    expect(view.counts.done + view.counts.skipped + view.counts.failed).toBe(PHOTOS.length);
    expect(view.counts.failed).toBe(0);

    // Every image exactly once in every output.
    const text = async (path: string) => (await fetch(`${base}/v1/batches/${id}/outputs/${path}`, { headers: { authorization: `Bearer ${key}` } })).text();
    const scenes = (await text("scenes.jsonl")).trim().split("\n").map((l) => JSON.parse(l) as { id: string });
    expect(scenes.map((s) => s.id).sort()).toEqual(PHOTOS.map(([dir]) => dir).sort());
    const qa = (await text("qa.jsonl")).trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { image: string; question: string });
    expect(qa.length).toBe(view.qaPairs);
    const llava = JSON.parse(await text("llava.json")) as { id: string; conversations: { from: string; value: string }[] }[];
    expect(llava.every((c) => c.conversations[0].value.startsWith("<image>\n"))).toBe(true);
    const shard = view.outputs!.find((p) => p.endsWith(".parquet"))!;
    const parquet = await (await fetch(`${base}/v1/batches/${id}/outputs/${shard}`, { headers: { authorization: `Bearer ${key}` } })).arrayBuffer();
    const rows = await parquetReadObjects({ file: parquet });
    expect(rows.length).toBe(view.qaPairs);
    expect(view.outputs!.filter((p) => p.startsWith("pointclouds/")).length).toBeGreaterThan(0);

    // Webhooks: the receiver refused 3 attempts, then got each event exactly once by id, signed.
    const waitUntil = Date.now() + 60_000;
    while (Date.now() < waitUntil) {
      const log = await get<{ deliveries: { status: string }[] }>(`/v1/batches/${id}/deliveries`);
      if (log.deliveries.length && log.deliveries.every((d) => d.status !== "pending")) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(refusals).toBe(3);
    const ids = received.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const types = received.map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types).toContain("batch.completed");
    const hook = new Webhook(created.webhookSecret!);
    for (const r of received) {
      expect(() => hook.verify(r.body, r.headers)).not.toThrow();
      expect(verifyWebhook(created.webhookSecret!, r.headers, r.body).type).toBe(JSON.parse(r.body).type);
    }
    const tampered = received[0].body.replace("batch", "botch");
    expect(() => hook.verify(tampered, received[0].headers)).toThrow();
    expect(() => verifyWebhook(created.webhookSecret!, received[0].headers, tampered)).toThrow();
    const log = await get<{ deliveries: { status: string; attempts: number }[] }>(`/v1/batches/${id}/deliveries`);
    expect(log.deliveries.every((d) => d.status === "delivered")).toBe(true);
    expect(log.deliveries.reduce((n, d) => n + d.attempts, 0)).toBe(received.length + 3);
  }, 240_000);

  it("spatial synth against the server: uploads, one batch, live progress, the files in --out; Ctrl-C and a rerun resume the same batch", async () => {
    startRunner("batch-runner-cli");
    const dir = mkdtempSync(join(tmpdir(), "spatial-synth-server-"));
    const manifest = join(dir, "manifest.jsonl");
    const lines = PHOTOS.slice(0, 2).map(([d, rgb]) => JSON.stringify({ id: d, path: join(FIXTURES, d, rgb), depth: join(FIXTURES, d, "depth.png"), depthScale: 1000, intrinsics: JSON.parse(fixture(d, "intrinsics.json").toString()) }));
    writeFileSync(manifest, `${lines.join("\n")}\n{broken\n`);
    const out = join(dir, "out");
    const bin = join(ROOT, "packages/cli/bin/spatial.js");
    const run = (signalAfterMs?: number) => new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => {
      const child = spawn(process.execPath, [bin, "synth", manifest, "--out", out, "--formats", "jsonl,parquet", "--per-family", "1", "--seed", "4"], { cwd: ROOT, env: { ...process.env, SPATIAL_API_URL: base, SPATIAL_API_KEY: key }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "", stderr = "";
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        // Interrupt once the batch exists (its state is saved when the first progress line shows).
        if (signalAfterMs !== undefined && /done \d+/.test(stderr)) setTimeout(() => child.kill("SIGINT"), signalAfterMs);
      });
      child.once("exit", (code) => ok({ code, stdout, stderr }));
    });
    const first = await run(0);
    expect(first.stderr).toMatch(/line 3: /); // the broken manifest line, by number
    const saved = JSON.parse(readFileSync(join(out, ".spatial-synth/server.json"), "utf8")) as { batchId: string };
    expect(saved.batchId).toMatch(/^bat_/);
    const second = await run();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`in batch ${saved.batchId}`);
    expect(JSON.parse(readFileSync(join(out, ".spatial-synth/server.json"), "utf8")).batchId).toBe(saved.batchId);
    const scenes = readFileSync(join(out, "scenes.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    expect(scenes.sort()).toEqual(PHOTOS.slice(0, 2).map(([d]) => d).sort());
    expect(existsSync(join(out, "README.md"))).toBe(true);
    const listed = await client.batches.list({ limit: 100 });
    expect(listed.batches.filter((b) => b.total === 2)).toHaveLength(1); // the rerun made no second batch
  }, 240_000);
});
