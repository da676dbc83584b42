// `spatial reward --local` as a user runs it: a directory of rendered frames (frame_N.png with
// depth_N.png and objects_N.json beside them) and a task in words → one JSON line for the task,
// then one per frame; bad input → exit 2 and one line on stderr.
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { blockPath, renderEpisode, writeEpisode } from "../scripts/reward-frames.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "packages/cli/bin/spatial.js");
const spatial = (args: string[]) => run(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000 });
const failure = async (args: string[]) => {
  try {
    await spatial(args);
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { exit: err.code, stderr: err.stderr };
  }
  throw new Error(`spatial ${args.join(" ")} succeeded`);
};

describe("spatial reward --local", () => {
  it("prints the task and each frame's reward; success turns on once, at the contact frame", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spatial-reward-cli-"));
    const episode = renderEpisode({ xs: blockPath(6, 3), noiseM: 0.005 });
    writeEpisode(episode, dir);
    const k = episode.intrinsics;
    const { stdout, stderr } = await spatial(["reward", dir, "--task", "Move the block to the can", "--intrinsics", `${k.fx},${k.fy},${k.cx},${k.cy}`, "--local", "--json"]);
    expect(stderr).toBe("");
    const [task, ...frames] = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(task).toMatchObject({ task: { kind: "approach", subject: "block", target: "can" }, success_m: 0.03, frames: episode.frames.length });
    expect(frames.map((f) => f.frame)).toEqual(episode.frames.map((_, i) => i));
    for (const [i, f] of frames.entries()) {
      expect(Object.keys(f).sort()).toEqual(["frame", "measured_m", "ms", "reward", "subject_id", "success", "target_id"]);
      expect(Math.abs(f.measured_m - episode.frames[i].truthGapM), `frame ${i}`).toBeLessThan(0.025);
      if (i > 0 && episode.frames[i].truthGapM <= episode.frames[i - 1].truthGapM) expect(f.reward).toBeGreaterThanOrEqual(frames[i - 1].reward - 1e-3);
    }
    const firstSuccess = episode.frames.findIndex((f) => f.truthGapM <= 0.03);
    expect(frames.map((f) => f.success)).toEqual(frames.map((_, i) => i >= firstSuccess));
  }, 120_000);

  it("refuses bad input with exit 2 and one line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spatial-reward-bad-"));
    writeEpisode(renderEpisode({ xs: [-0.5, -0.4] }), dir);
    const cases: [string[], RegExp][] = [
      [["reward", dir, "--task", "dance", "--local"], /task "dance": name the object to move/],
      [["reward", join(dir, "missing"), "--task", "move the block to the can", "--local"], /does not exist/],
      [["reward", dir, "--task", "move the block to the can", "--local", "--intrinsics", "1,2"], /--intrinsics needs four finite numbers/],
      [["reward", dir, "--task", "lift the teapot 10 cm", "--local"], /were not found together in any frame/],
    ];
    const broken = await mkdtemp(join(tmpdir(), "spatial-reward-broken-"));
    writeEpisode(renderEpisode({ xs: [-0.5, -0.4] }), broken);
    await writeFile(join(broken, "objects_001.json"), "{not json");
    cases.push([["reward", broken, "--task", "move the block to the can", "--local"], /objects_001\.json is not valid JSON/]);
    for (const [args, message] of cases) {
      const { exit, stderr } = await failure(args);
      expect(exit, args.join(" ")).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(message);
    }
  }, 120_000);
});
