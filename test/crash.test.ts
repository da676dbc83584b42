// Durable submission end to end (scripts/crash-scenario.ts): `wrangler dev` is SIGKILLed while 16
// clients create jobs with Idempotency-Keys, then restarted on the same state. Every job that exists
// must complete or fail, and no retry may have created a second job. The timings go to
// .reports/crash.json (the hardening bench measures the same scenario).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runBatchCrashScenario, runCrashScenario } from "../scripts/crash-scenario.js";

const ROOT = resolve(import.meta.dirname, "..");
const JOBS = 16;

describe("the edge killed while jobs are being created", () => {
  it("restarts, re-queues every orphaned job, and every job completes or fails exactly once per idempotency key", async () => {
    const { report, created, jobs } = await runCrashScenario(JOBS);
    mkdirSync(join(ROOT, ".reports"), { recursive: true });
    writeFileSync(join(ROOT, ".reports/crash.json"), JSON.stringify(report, null, 2));
    console.log("crash test:", JSON.stringify(report));
    // One job per key: the clients' retries created no duplicates.
    expect(new Set(created.map((c) => c.jobId)).size).toBe(JOBS);
    expect(jobs).toHaveLength(JOBS);
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(created.map((c) => c.jobId)));
    // The crash really interrupted creations, and every job came back under its hub and ended.
    expect(report.retriedCreations).toBeGreaterThan(0);
    expect(report.restartToRequeuedMs).toBeGreaterThanOrEqual(0);
    expect(report.unfinished).toBe(0);
    expect(report.completed + report.failed).toBe(JOBS);
    for (const job of jobs.filter((j) => j.status === "failed")) expect(job.errorCode).toMatch(/^[a-z_]+$/);
  }, 240_000);
});

describe("the edge killed in the middle of a batch", () => {
  it("restarts and the batch completes with every image exactly once in its outputs", async () => {
    const { report, scenes, items } = await runBatchCrashScenario();
    mkdirSync(join(ROOT, ".reports"), { recursive: true });
    writeFileSync(join(ROOT, ".reports/crash-batch.json"), JSON.stringify(report, null, 2));
    console.log("batch crash test:", JSON.stringify(report));
    expect(report.status).toBe("completed");
    expect(report.doneBeforeKill).toBeGreaterThan(0);
    expect(report.doneBeforeKill).toBeLessThan(items);
    expect(scenes.sort()).toEqual(Array.from({ length: items }, (_, i) => `img-${i}`).sort());
  }, 300_000);
});
