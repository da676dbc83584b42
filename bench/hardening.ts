// Hardening benchmark (`npm run bench -- --only=hardening`, loopback, this machine):
// 1. /v1/health latency at rest and while clients keep sending 40 MB multipart `options` parts (each
//    refused with 413 once the part passes the cap), and how long each refusal takes.
// 2. The crash scenario (scripts/crash-scenario.ts): wrangler dev SIGKILLed while 16 clients create
//    jobs, restarted; time from the restart to every orphaned job queued again, and to all ended.
// Writes .reports/bench-hardening.json.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCrashScenario } from "../scripts/crash-scenario.js";
import { createApiKey, startLocalWorker } from "../scripts/local-edge.js";
import { REPO_ROOT } from "./geometry.js";

/** One attacker: sends 40 MB `options` parts back to back, printing each refusal's latency (ms). */
const ATTACKER = `
const huge = "x".repeat(40 * 1024 * 1024);
process.on("SIGTERM", () => process.exit(0));
for (;;) {
  const form = new FormData();
  form.set("image", new Blob([new Uint8Array(64)]), "a.png");
  form.set("options", huge);
  const t0 = performance.now();
  const res = await fetch(process.env.BASE + "/v1/jobs", { method: "POST", headers: { authorization: "Bearer " + process.env.KEY }, body: form }).catch(() => null);
  if (res) await res.arrayBuffer().catch(() => {});
  console.log((res ? res.status : 0) + " " + (performance.now() - t0).toFixed(1));
}`;

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const ms = (x: number) => Math.round(x * 10) / 10;

async function timeHealth(base: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/health`);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`health answered ${res.status}`);
  return performance.now() - t0;
}

async function healthUnderOversizeOptions(): Promise<Record<string, number>> {
  const { worker, base } = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-bench-hardening-")));
  try {
    const key = await createApiKey(base, "bench-hardening", { rateLimit: { perMinute: 100_000, burst: 100_000 } });
    const rest: number[] = [];
    for (let i = 0; i < 50; i++) rest.push(await timeHealth(base));
    // The attackers run in their own processes: building 40 MB bodies must not slow this one's timer.
    const attackers = [0, 1].map(() => spawn(process.execPath, ["--input-type=module", "-e", ATTACKER], { env: { ...process.env, BASE: base, KEY: key }, stdio: ["ignore", "pipe", "inherit"] }));
    const outputs = attackers.map((a) => new Promise<string>((ok) => {
      let out = "";
      a.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      a.once("exit", () => ok(out));
    }));
    await new Promise((r) => setTimeout(r, 1000)); // let them get going
    const busy: number[] = [];
    const until = Date.now() + 8000;
    while (Date.now() < until) {
      busy.push(await timeHealth(base));
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const a of attackers) a.kill("SIGTERM");
    const answers = (await Promise.all(outputs)).flatMap((o) => o.split("\n").filter(Boolean).map((line) => line.split(" ").map(Number)));
    const refusals = answers.filter(([status]) => status === 413).map(([, t]) => t);
    // A body this far over its cap is cut after the 413: over wrangler dev's local proxy the client may see a 503 or a reset instead.
    const otherStatuses = answers.filter(([status]) => status !== 413).map(([status]) => status);
    if (otherStatuses.some((st) => st !== 0 && st !== 503)) throw new Error(`40 MB options parts got ${otherStatuses.join(", ")}`);
    return {
      healthAtRestMedianMs: ms(quantile(rest, 0.5)), healthAtRestP95Ms: ms(quantile(rest, 0.95)),
      healthUnderAttackMedianMs: ms(quantile(busy, 0.5)), healthUnderAttackP95Ms: ms(quantile(busy, 0.95)), healthUnderAttackMaxMs: ms(Math.max(...busy)),
      refused40MbOptions: refusals.length, refusalMedianMs: ms(quantile(refusals, 0.5)), cutWithoutStatus: otherStatuses.length,
    };
  } finally {
    await worker.stop();
  }
}

export async function runHardeningBench(): Promise<void> {
  console.log("\n# hardening (loopback)");
  const health = await healthUnderOversizeOptions();
  console.log(`/v1/health at rest: median ${health.healthAtRestMedianMs} ms, p95 ${health.healthAtRestP95Ms} ms`);
  console.log(`/v1/health while 2 clients keep sending 40 MB options parts: median ${health.healthUnderAttackMedianMs} ms, p95 ${health.healthUnderAttackP95Ms} ms, max ${health.healthUnderAttackMaxMs} ms`);
  console.log(`  ${health.refused40MbOptions} refusals (413), median ${health.refusalMedianMs} ms from request to 413 (the client's upload included), ${health.cutWithoutStatus} cut before a status reached the client`);
  const { report: crash } = await runCrashScenario(16);
  console.log(`edge SIGKILLed during 16 creations: down ${crash.downMs} ms; restart → every orphan re-queued ${crash.restartToRequeuedMs} ms; restart → all ${crash.jobs} jobs ended ${crash.restartToAllEndedMs} ms (${crash.completed} completed, ${crash.failed} failed, ${crash.retriedCreations} creations retried, ${crash.replayedCreations} replayed)`);
  mkdirSync(join(REPO_ROOT, ".reports"), { recursive: true });
  writeFileSync(join(REPO_ROOT, ".reports/bench-hardening.json"), JSON.stringify({ health, crash }, null, 2));
}
