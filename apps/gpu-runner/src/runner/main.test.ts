// The runner process (src/main.ts) as an operator runs it: real process, real flags, a stand-in hub.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StandInHub } from "./test-hub.js";

const ROOT = resolve(import.meta.dirname, "../../../..");
const MAIN = resolve(ROOT, "apps/gpu-runner/src/main.ts");

interface Run {
  code: Promise<number | null>;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function runner(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: ROOT, env: { ...process.env, SPATIAL_EDGE_URL: "", SPATIAL_RUNNER_TOKEN: "", ...env } });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const code = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  return { code, stderr: () => stderr, kill: (signal) => child.kill(signal) };
}

const hubs: StandInHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

describe("spatial-runner process", () => {
  it.each([
    [["--edge", "http://127.0.0.1:1", "--token", "t", "--bogus"], /Unknown option '--bogus'/],
    [["--edge", "http://127.0.0.1:1", "--token", "t", "--concurrency", "0"], /--concurrency must be an integer from 1 to 64, got "0"/],
    [["--edge", "http://127.0.0.1:1", "--token", "t", "--device", "tpu"], /--device: unknown device "tpu"/],
    [["--edge", "ftp://x", "--token", "t"], /--edge must be an http\(s\) URL/],
    [["--edge", "http://127.0.0.1:1"], /no runner token given/],
    [[], /no edge given/],
  ])("refuses %j with one line on stderr and exit 2", async (args, message) => {
    const run = runner(args);
    expect(await run.code).toBe(2);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
    expect(run.stderr()).toMatch(/^spatial-runner: /);
    expect(run.stderr()).toMatch(message);
  });

  it("stops with exit 1 and says so when the edge refuses the token", async () => {
    const hub = await StandInHub.start({ token: "right" });
    hubs.push(hub);
    const run = runner(["--token", "wrong"], { SPATIAL_EDGE_URL: hub.url });
    expect(await run.code).toBe(1);
    expect(run.stderr()).toMatch(/stopped: the edge refused the runner token \(401\)/);
    expect(hub.upgrades).toHaveLength(1);
  }, 30_000);

  it("connects from the environment's settings, and exits 0 on SIGTERM after closing cleanly", async () => {
    const hub = await StandInHub.start();
    hubs.push(hub);
    const run = runner(["--pool", "gpu-small", "--runner-id", "proc-1", "--concurrency", "2"], { SPATIAL_EDGE_URL: hub.url, SPATIAL_RUNNER_TOKEN: "test-token" });
    const hello = await hub.waitFor(() => hub.received.find((r) => r.message.type === "runner.hello")?.message, 20_000, "the runner's hello");
    expect(hello).toMatchObject({ runnerId: "proc-1", capabilities: { concurrency: 2, device: "cpu" } });
    expect(hub.pools).toEqual(["gpu-small"]);
    await hub.waitFor(() => run.stderr().includes("connected as proc-1"), 10_000, "the connected log line");
    run.kill("SIGTERM");
    expect(await run.code).toBe(0);
    const lines = run.stderr().trim().split("\n");
    expect(lines.every((l) => l.startsWith("spatial-runner: "))).toBe(true);
    expect(lines.map((l) => l.replace(/^spatial-runner: /, "").split(/[ :(]/)[0])).toEqual(["runner", "connecting", "connected", "SIGTERM", "connection"]);
  }, 30_000);
});
