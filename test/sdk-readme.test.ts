// packages/sdk/README.md's examples run as written: each ```ts block is saved as a file and run
// with tsx against the local stack (unstable_dev worker + a real runner), in a folder holding an
// RGB-D frame as rgb.jpg + depth.png; its output must match the block's `<!-- expect: /re/ -->`.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Unstable_DevWorker } from "wrangler";
import { createApiKey, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";

const ROOT = resolve(import.meta.dirname, "..");
const NYU = resolve(ROOT, "../shared/fixtures/rgbd/nyu_00000");
const README = readFileSync(join(ROOT, "packages/sdk/README.md"), "utf8");
const examples = [...README.matchAll(/```ts\n([\s\S]*?)```\n<!-- expect: \/(.*)\/ -->/g)].map((m, i) => ({ name: `example-${i + 1}`, code: m[1], expect: new RegExp(m[2]) }));

let worker: Unstable_DevWorker;
let runner: ChildProcess;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  const started = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-readme-edge-")));
  worker = started.worker;
  runner = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "apps/gpu-runner/src/main.ts"), "--edge", started.base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", "readme-runner"], { cwd: ROOT, stdio: "ignore", detached: true });
  env = { ...process.env, SPATIAL_API_URL: started.base, SPATIAL_API_KEY: await createApiKey(started.base, "readme") };
  // A user's folder: the photo, its depth map, and the installed packages.
  dir = mkdtempSync(join(tmpdir(), "spatial-readme-"));
  copyFileSync(join(NYU, "rgb.jpg"), join(dir, "rgb.jpg"));
  copyFileSync(join(NYU, "depth.png"), join(dir, "depth.png"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
}, 120_000);

afterAll(async () => {
  if (runner?.pid && runner.exitCode === null) {
    const exited = new Promise((ok) => runner.once("exit", ok));
    process.kill(-runner.pid, "SIGKILL");
    await exited;
  }
  await worker?.stop();
});

describe("the SDK's README", () => {
  it("has runnable examples, each with an expectation", () => {
    expect(examples.length).toBe((README.match(/```ts\n/g) ?? []).length);
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const example of examples) {
    it(`${example.name} runs as written`, async () => {
      const file = join(dir, `${example.name}.ts`);
      writeFileSync(file, example.code);
      const { stdout } = await promisify(execFile)(join(ROOT, "node_modules/.bin/tsx"), [file], { cwd: dir, env, timeout: 60_000 });
      expect(stdout).toMatch(example.expect);
    }, 90_000);
  }
});
