// `npm start`: the whole stack on this machine — the dashboard built (when stale), D1 migrations
// applied locally, `wrangler dev` (the production worker and Durable Objects in workerd, D1 and R2
// on disk, the dashboard as its static assets), one runner on the CPU, a development API key and a
// dashboard link that signs in with it, then a demo job on a real photo whose events stream here.
// Ctrl-C stops everything this started. Options: --port N (default: 8787 or the next free port),
// --no-demo.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { createClient } from "@spatial/sdk";
import { ensureDashboardBuilt } from "./dashboard-build.js";
import { applyLocalMigrations, createApiKey, WRANGLER, wranglerVar } from "./local-edge.js";

const ROOT = resolve(import.meta.dirname, "..");
const STATE = join(ROOT, ".wrangler/state");
const LOGS = join(ROOT, ".reports");
const children: ChildProcess[] = [];

function freePort(start: number): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once("error", () => resolvePort(freePort(start + 1)));
    server.listen(start, "127.0.0.1", () => server.close(() => resolvePort(start)));
  });
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  mkdirSync(LOGS, { recursive: true });
  const log = createWriteStream(join(LOGS, `${name}.log`));
  // Own process group, so Ctrl-C here can stop the child and everything it started.
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  children.push(child);
  return child;
}

function stopAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.pid) {
      try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ }
    }
  }
}

async function waitForHealth(base: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/v1/health`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the worker did not answer ${base}/v1/health within ${ms / 1000} s; see .reports/wrangler-dev.log`);
}

async function demo(base: string, apiKey: string): Promise<void> {
  const dir = resolve(ROOT, "../shared/fixtures/rgbd/unidepth_demo");
  if (!existsSync(dir)) {
    console.log(`(no demo: ../shared/fixtures is not beside the checkout)`);
    return;
  }
  const client = createClient({ baseUrl: base, apiKey });
  const questions = ["How far apart are the couch on the left and the couch on the right?", "Which couch is closer to the camera?", "How tall is the couch on the right, in feet?"];
  const { job } = await client.createJob({
    image: readFileSync(join(dir, "rgb.png")),
    depth: readFileSync(join(dir, "depth.png")),
    options: { questions, depthScale: 1000, intrinsics: JSON.parse(readFileSync(join(dir, "intrinsics.json"), "utf8")) },
  });
  console.log(`\ndemo job ${job.id}: a living room with its depth map, ${questions.length} questions; events as they stream:`);
  const started = Date.now();
  for await (const e of client.events(job.id)) {
    const t = `${String(Date.now() - started).padStart(5)} ms  #${e.seq} ${e.type}`;
    if (e.type === "stage.completed") console.log(`${t} ${e.stage} (${e.ms.toFixed(0)} ms)`);
    else if (e.type === "perception.detections") console.log(`${t} ${e.detections.map((d) => `${d.label} ${d.score.toFixed(2)}`).join(", ")}`);
    else if (e.type === "perception.depth") console.log(`${t} ${e.source}, median ${e.medianM.toFixed(2)} m`);
    else if (e.type === "scene.graph") console.log(`${t} ${e.graph.objects.length} objects, ${e.graph.frame.canonicalized ? "gravity-aligned" : "camera up"}`);
    else if (e.type === "answer.final") console.log(`${t} Q: ${e.line.question}\n${" ".repeat(10)}A: ${e.line.answer.text}`);
    else if (e.type === "job.failed") console.log(`${t} ${e.code}: ${e.message}`);
    else if (e.type !== "stage.started") console.log(t);
  }
}

process.on("SIGINT", () => { stopAll(); process.exit(0); });
process.on("SIGTERM", () => { stopAll(); process.exit(0); });
process.on("exit", stopAll);

try {
  const portArg = process.argv.indexOf("--port");
  const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : await freePort(8787);
  const base = `http://127.0.0.1:${port}`;
  if (await ensureDashboardBuilt()) console.log("built the dashboard (apps/dashboard/dist)");
  console.log("applying D1 migrations locally…");
  applyLocalMigrations(STATE);
  console.log(`starting the worker (wrangler dev) on ${base}…`);
  run("wrangler-dev", WRANGLER, ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", STATE, "--show-interactive-dev-session=false"]);
  await waitForHealth(base, 60_000);

  const key = await createApiKey(base, "dev", { name: "npm start" });
  console.log("starting a runner on the CPU…");
  run("runner", join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", wranglerVar("RUNNER_TOKEN")]);

  // The key rides in the URL fragment, which the browser never sends: it stays out of every server log.
  console.log(`\nthe stack is up:\n  dashboard  ${base}/#key=${key}\n  API        ${base}  (docs: ${base}/docs, OpenAPI: ${base}/v1/openapi.json)\n  API key    ${key}\n  try        SPATIAL_API_URL=${base} SPATIAL_API_KEY=${key} npx spatial ask photo.jpg "How far is the chair from the table?"\n  logs       .reports/wrangler-dev.log, .reports/runner.log`);
  if (!process.argv.includes("--no-demo")) await demo(base, key);
  console.log("\nrunning; Ctrl-C stops the worker and the runner.");
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  stopAll();
  process.exit(1);
}
