// The answer backends through the whole service: the real worker (unstable_dev) with VLM_* vars and a
// real runner process with --vlm-url, both pointed at a local chat-completions server (node:http).
// A free-form question in a job goes from the runner to the VLM with the job's image; a follow-up
// and a cache hit go from the edge to the VLM with the image read back from R2.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Unstable_DevWorker } from "wrangler";
import { createApiKey, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";
import { createClient, type SpatialClient } from "../packages/sdk/src/client.js";
import type { AskOutputLine, JobEvent } from "../packages/shared/src/protocol/index.js";
import { completion, startChatServer, userParts, type TestChatServer } from "../packages/shared/src/reasoning/test-chat-server.js";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = resolve(ROOT, "../shared/fixtures/rgbd/unidepth_demo");
const MEASURED = "How far apart are the couch on the left and the couch on the right?";
const FREE_FORM = "What material is the couch on the left made of?";

let chat: TestChatServer;
let worker: Unstable_DevWorker;
let base: string;
let apiKey: string;
let client: SpatialClient;
let runner: ChildProcess | undefined;
const png = () => readFileSync(join(FIXTURE, "rgb.png"));
const dataUrl = () => `data:image/png;base64,${png().toString("base64")}`;

beforeAll(async () => {
  chat = await startChatServer();
  // Who asked is told by the model name: the runner's and the edge's are configured apart.
  chat.reply = (r) => completion(`It looks like fabric, but I cannot tell for sure (asked as ${r.body.model}).`);
  ({ worker, base } = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-vlm-")), { VLM_BASE_URL: chat.baseUrl, VLM_MODEL: "edge-vlm", VLM_API_KEY: "edge-key", VLM_TIMEOUT_MS: "10000" }));
  apiKey = await createApiKey(base, "tenant-vlm");
  client = createClient({ baseUrl: base, apiKey });
  runner = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", "vlm-runner", "--vlm-url", chat.baseUrl, "--vlm-model", "runner-vlm", "--vlm-timeout-ms", "10000"], {
    cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], detached: true, env: { ...process.env, SPATIAL_VLM_API_KEY: "runner-key" },
  });
}, 120_000);

afterAll(async () => {
  if (runner && runner.exitCode === null) {
    await new Promise((ok) => {
      runner!.once("exit", ok);
      process.kill(-runner!.pid!, "SIGKILL");
    });
  }
  await worker?.stop();
  await chat?.close();
});

async function finals(jobId: string): Promise<AskOutputLine[]> {
  const lines: AskOutputLine[] = [];
  for await (const e of client.events(jobId) as AsyncIterable<JobEvent>) if (e.type === "answer.final") lines.push(e.line);
  return lines;
}

describe("VLM backends through the service", () => {
  it("the runner asks its VLM with the job's image; the edge asks its own for follow-ups and cache hits, with the image from R2", async () => {
    const intrinsics = JSON.parse(readFileSync(join(FIXTURE, "intrinsics.json"), "utf8"));
    const options = { questions: [MEASURED, FREE_FORM], intrinsics };
    const { job } = await client.createJob({ image: png(), depth: readFileSync(join(FIXTURE, "depth.png")), options });
    const [measured, freeForm] = await finals(job.id);
    expect(measured).toMatchObject({ source: "program", answer: { type: "number" } });
    expect(freeForm).toMatchObject({ source: "vlm", model: "runner-vlm", answer: { type: "text", text: "It looks like fabric, but I cannot tell for sure (asked as runner-vlm)." } });
    expect(chat.received).toHaveLength(1);
    expect(chat.received[0]!.headers.authorization).toBe("Bearer runner-key");
    expect(userParts(chat.received[0]!.body)).toEqual({ text: FREE_FORM, imageUrls: [dataUrl()] });
    expect(chat.received[0]!.body.messages[0]!.content).toMatch(/: (\w+ )?couch; centre \d+\.\d\d m from the camera/);

    // A follow-up at the edge: the image is read back from R2.
    const response = await fetch(`${base}/v1/jobs/${job.id}/questions`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ questions: [FREE_FORM, MEASURED] }) });
    expect(response.status).toBe(200);
    const { answers } = (await response.json()) as { answers: AskOutputLine[] };
    expect(answers[0]).toMatchObject({ source: "vlm", model: "edge-vlm", answer: { text: "It looks like fabric, but I cannot tell for sure (asked as edge-vlm)." } });
    expect(answers[1]).toMatchObject({ source: "program", answer: { value_m: measured!.answer.value_m } });
    expect(chat.received).toHaveLength(2);
    expect(chat.received[1]!.headers.authorization).toBe("Bearer edge-key");
    expect(userParts(chat.received[1]!.body).imageUrls).toEqual([dataUrl()]);

    // The same inputs again: a cache hit answered at the edge, the free-form question by its VLM.
    const again = await client.createJob({ image: png(), depth: readFileSync(join(FIXTURE, "depth.png")), options });
    const [, cachedFreeForm] = await finals(again.job.id);
    expect(cachedFreeForm).toMatchObject({ source: "vlm", model: "edge-vlm" });
    expect(chat.received).toHaveLength(3);
  }, 180_000);
});
