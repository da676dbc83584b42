// `spatial synth --local` end to end: real processes, real models, real fixture photos with their
// depth and intrinsics, plus rendered scenes (PNG + 16-bit millimetre depth + labelled masks).
// A run is interrupted with Ctrl-C, the next one killed outright, and the third finishes: every
// image must be in the outputs exactly once, and no finished image perceived twice.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { writeRenderedScene } from "../scripts/rendered-scene-files.js";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "packages/cli/bin/spatial.js");
const FIXTURES = resolve(ROOT, "../shared/fixtures/rgbd");
const PHOTOS = ["nyu_00000", "kitti_000008", "sunrgbd_000017", "unidepth_demo"];
const SCENES = [14, 21];
const ALL_FORMATS = "jsonl,llava,sharegpt,parquet,pointclouds";

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, SPATIAL_API_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<Run>((r) => child.on("close", (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, done };
}

async function stateRecords(out: string): Promise<{ status: string; id: string }[]> {
  const text = await readFile(join(out, ".spatial-synth/state.jsonl"), "utf8").catch(() => "");
  return text.split("\n").slice(1).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
}

async function untilDone(out: string, atLeast: number, run: Promise<Run>): Promise<number> {
  let finished = false;
  void run.then(() => (finished = true));
  for (;;) {
    const done = new Set((await stateRecords(out)).filter((r) => r.status === "done").map((r) => r.id)).size;
    if (done >= atLeast || finished) return done;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const jsonLines = (text: string) => text.split("\n").filter(Boolean).map((l) => JSON.parse(l));

let input: string;
let work: string;

beforeAll(async () => {
  if (!existsSync(FIXTURES)) throw new Error(`the synth tests need ../shared/fixtures/rgbd (looked in ${FIXTURES}); it is missing`);
  work = await mkdtemp(join(tmpdir(), "spatial-synth-"));
  input = join(work, "images");
  for (const photo of PHOTOS) {
    await mkdir(join(input, photo), { recursive: true });
    for (const file of await readdir(join(FIXTURES, photo))) await copyFile(join(FIXTURES, photo, file), join(input, photo, file));
  }
  for (const seed of SCENES) await writeRenderedScene(input, seed);
  await writeFile(join(input, "garbage.jpg"), "this is not an image at all");
});

describe("spatial synth --local", () => {
  it("survives Ctrl-C and a kill, and the rerun writes every image exactly once in every format", async () => {
    const out = join(work, "out");
    const args = ["synth", input, "--out", out, "--local", "--formats", ALL_FORMATS, "--per-family", "2", "--seed", "3", "--workers", "2"];
    const ids = [...PHOTOS.map((p) => `${p}/rgb`), ...SCENES.map((s) => `scene-${s}`), "garbage"];

    const first = start(args);
    const afterFirst = await untilDone(out, 1, first.done);
    first.child.kill("SIGINT");
    const interrupted = await first.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toMatch(/^spatial: interrupted with \d+ of 7 images perceived; rerun with the same --out to resume$/m);
    expect(existsSync(join(out, "qa.jsonl"))).toBe(false);

    const second = start(args);
    await untilDone(out, afterFirst + 1, second.done);
    second.child.kill("SIGKILL");
    await second.done;
    const doneBefore = new Set((await stateRecords(out)).filter((r) => r.status === "done").map((r) => r.id));
    expect(doneBefore.size).toBeGreaterThanOrEqual(2);
    expect(doneBefore.size).toBeLessThan(ids.length);

    const third = start([...args, "--json"]);
    const finished = await third.done;
    expect(finished.code, finished.stderr).toBe(0);
    const summary = JSON.parse(finished.stdout);
    // Only what was not finished before is perceived again.
    expect(summary.perceivedThisRun).toBe(ids.length - doneBefore.size);
    const records = await stateRecords(out);
    for (const id of ids) expect(records.filter((r) => r.id === id && r.status === "done").length, id).toBeLessThanOrEqual(1);
    // Plain progress lines when stderr is not a terminal.
    expect(finished.stderr).toMatch(/^synth: 7\/7 \(done 6, failed 1\) [\d.]+ images\/min, ETA 0s$/m);

    const report = JSON.parse(await readFile(join(out, "report.json"), "utf8"));
    const perceived = jsonLines(await readFile(join(out, "scenes.jsonl"), "utf8"));
    const placed = [...perceived.map((s) => s.id), ...report.failed_items.map((f: { id: string }) => f.id)];
    expect(placed.sort()).toEqual([...ids].sort());
    expect(perceived.filter((s) => s.skipped).map((s) => s.id)).toEqual(report.skipped_items.map((s: { id: string }) => s.id));
    const scenes = perceived.filter((s) => !s.skipped);
    expect(report.images).toMatchObject({ total: 7, failed: 1 });
    expect(report.failed_items).toEqual([{ id: "garbage", code: expect.stringMatching(/^image_/), message: expect.any(String) }]);
    expect(summary).toMatchObject({ images: 7, failed: 1, inDataset: scenes.length, qaPairs: report.qa_pairs });
    for (const seed of SCENES) expect(scenes.find((s) => s.id === `scene-${seed}`)).toMatchObject({ image_ref: `scene-${seed}.png`, depth: { source: "input" } });
    expect(scenes.find((s) => s.id === "nyu_00000/rgb")).toMatchObject({ image_ref: "nyu_00000/rgb.jpg", intrinsics: { fx: 518.8579, source: "input" }, depth: { source: "input" } });
    expect(report.depth_sources).toEqual({ input: 6 });

    const qa = jsonLines(await readFile(join(out, "qa.jsonl"), "utf8"));
    expect(qa.length).toBe(report.qa_pairs);
    expect(qa.length).toBeGreaterThan(20);
    expect(new Set(qa.map((q) => q.id)).size).toBe(qa.length);
    expect(new Set(qa.map((q) => q.image_id))).toEqual(new Set(scenes.filter((s) => s.qa_pairs > 0).map((s) => s.id)));
    const bytes = await readFile(join(out, "data/train-00000-of-00001.parquet"));
    expect(await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })).toEqual(qa);
    expect(await readFile(join(out, "README.md"), "utf8")).toContain(`num_examples: ${qa.length}\n`);
    const llava = JSON.parse(await readFile(join(out, "llava.json"), "utf8"));
    expect(llava.reduce((n: number, c: { conversations: unknown[] }) => n + c.conversations.length / 2, 0)).toBe(qa.length);
    const sharegpt = JSON.parse(await readFile(join(out, "sharegpt.json"), "utf8"));
    expect(sharegpt.length).toBe(llava.length);
    const plys = await readdir(join(out, "pointclouds"));
    expect(plys.length).toBe(scenes.length);
    expect(plys).toContain("scene-14.ply");
    expect((await readFile(join(out, "pointclouds/scene-14.ply"))).subarray(0, 40).toString()).toMatch(/^ply\nformat binary_little_endian 1.0\n/);

    // A rerun of a finished dataset perceives nothing and writes the same bytes.
    const again = start([...args, "--json"]);
    const repeat = await again.done;
    expect(JSON.parse(repeat.stdout).perceivedThisRun).toBe(1); // the failed image is retried
    expect(await readFile(join(out, "qa.jsonl"), "utf8")).toBe(qa.map((q) => `${JSON.stringify(q)}\n`).join(""));
  }, 120_000);

  it("reports malformed manifest lines by number and processes the rest", async () => {
    const manifest = join(work, "manifest.jsonl");
    await writeFile(manifest, [
      JSON.stringify({ path: "images/scene-14.png", depth: "images/scene-14-depth.png", objects: "images/scene-14.objects.json", id: "s14" }),
      "{ this is not json",
      JSON.stringify({ path: "images/scene-21.png", imageUrl: "https://example.com/x.png" }),
      JSON.stringify({ path: "images/scene-21.png", id: "s14" }),
      JSON.stringify({ path: "images/nothing-here.png" }),
    ].join("\n"));
    const out = join(work, "out-manifest");
    const run = await start(["synth", manifest, "--out", out, "--local", "--formats", "jsonl", "--workers", "1"]).done;
    expect(run.code, run.stderr).toBe(0);
    const problems = run.stderr.split("\n").filter((l) => l.startsWith("spatial: "));
    expect(problems).toEqual([
      `spatial: ${manifest} line 2: not valid JSON`,
      `spatial: ${manifest} line 3: give exactly one of imageUrl or path`,
      `spatial: ${manifest} line 4: duplicate id "s14"`,
    ]);
    expect(run.stdout).toMatch(/from 1 of 2 images \(0 skipped, 1 failed, 3 bad input lines\)/);
    const report = JSON.parse(await readFile(join(out, "report.json"), "utf8"));
    expect(report.failed).toEqual({ image_not_found: 1, manifest_invalid: 3 });
    expect(jsonLines(await readFile(join(out, "scenes.jsonl"), "utf8")).map((s) => s.id)).toEqual(["s14"]);
  }, 60_000);

  it("says server mode needs SPATIAL_API_URL, and refuses bad options, in one line", async () => {
    const server = await start(["synth", input, "--out", join(work, "x")]).done;
    expect(server.code).toBe(2);
    expect(server.stderr).toMatch(/^spatial: server mode needs SPATIAL_API_URL .*--local.*\n$/);
    const keyless = await start(["synth", input, "--out", join(work, "x")], { SPATIAL_API_URL: "http://127.0.0.1:9", SPATIAL_API_KEY: "" }).done;
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toMatch(/^spatial: SPATIAL_API_KEY is not set: .*--local.*\n$/);
    const urls = join(work, "urls.txt");
    await writeFile(urls, "https://example.com/photo.jpg\n");
    const unreachable = await start(["synth", urls, "--out", join(work, "y")], { SPATIAL_API_URL: "http://127.0.0.1:9", SPATIAL_API_KEY: "sk_test" }).done;
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr.trim().split("\n")).toHaveLength(1);
    const formats = await start(["synth", input, "--out", join(work, "x"), "--local", "--formats", "jsonl,csv"]).done;
    expect(formats.code).toBe(2);
    expect(formats.stderr).toMatch(/^spatial: --formats takes a comma-separated list of jsonl, llava, sharegpt, parquet, pointclouds; got "jsonl,csv"\n$/);
    const missing = await start(["synth", join(work, "none"), "--out", join(work, "x"), "--local"]).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });
});
