// The `spatial` CLI as scripts use it: real processes, real files, real models (--local).
// Needs ../shared (fixtures) and the installed default models (npm install puts them in models/).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { AskOutputLine, SceneOutput } from "../packages/shared/src/protocol/scene-output.js";
import { randomScene, maskOf } from "../packages/shared/src/testing/index.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "packages/cli/bin/spatial.js");
const FIXTURES = resolve(ROOT, "../shared/fixtures/rgbd");

async function spatial(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 60_000, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/** A failure is one line on stderr, no stack trace, and the expected non-zero code. */
function expectOneLineFailure(r: { code: number; stderr: string }, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^spatial: /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

let dir: string;
let scene: ReturnType<typeof randomScene>;

beforeAll(async () => {
  if (!existsSync(FIXTURES)) throw new Error(`the CLI tests need ../shared/fixtures/rgbd (looked in ${FIXTURES}); it is missing`);
  dir = await mkdtemp(join(tmpdir(), "spatial-cli-"));
  // A rendered scene with exact depth (every object in frame and unoccluded), saved as a photo and
  // a 16-bit millimetre depth PNG.
  scene = randomScene(14);
  const { render } = scene;
  await sharp(Buffer.from(render.rgb), { raw: { width: render.width, height: render.height, channels: 3 } }).png().toFile(join(dir, "scene.png"));
  const mm = new Uint16Array(render.width * render.height);
  for (let i = 0; i < mm.length; i++) mm[i] = Math.round(render.depthM[i] * 1000);
  // A Uint16Array (not a byte Buffer) is what tells sharp the raw input is 16-bit.
  await sharp(mm, { raw: { width: render.width, height: render.height, channels: 1 } }).toColourspace("grey16").png().toFile(join(dir, "scene-depth.png"));
  const objects = [];
  for (const o of render.objects.filter((x) => x.box2d)) {
    const mask = maskOf(render, o.index);
    await sharp(Buffer.from(mask.map((v) => (v ? 255 : 0))), { raw: { width: render.width, height: render.height, channels: 1 } }).png().toFile(join(dir, `${o.id}.png`));
    objects.push({ label: o.label, box2d: o.box2d, mask: `${o.id}.png` });
  }
  await writeFile(join(dir, "objects.json"), JSON.stringify({ objects }));
  await writeFile(join(dir, "garbage.jpg"), Buffer.from("this is not an image at all"));
  const jpeg = await sharp(join(FIXTURES, "nyu_00000/rgb.jpg")).toBuffer();
  await writeFile(join(dir, "truncated.jpg"), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  await sharp(Buffer.alloc(100 * 50 * 2), { raw: { width: 100, height: 50, channels: 1 } }).png().toFile(join(dir, "depth-8bit.png"));
  await writeFile(join(dir, "objects-outside.json"), JSON.stringify({ objects: [{ label: "chair", box2d: [10, 10, 9000, 20] }] }));
  await writeFile(join(dir, "objects-nomask.json"), JSON.stringify({ objects: [{ label: "chair", box2d: [10, 10, 50, 60], mask: "missing.png" }] }));
}, 60_000);

const nyu = (f: string) => join(FIXTURES, "nyu_00000", f);
const NYU_K = "518.8579,519.46961,325.58245,253.73617";

describe("spatial scene / ask --local", () => {
  it("perceives a real RGB-D frame into the contract's JSON", async () => {
    const r = await spatial("scene", nyu("rgb.jpg"), "--depth", nyu("depth.png"), "--intrinsics", NYU_K, "--local", "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = SceneOutput.parse(JSON.parse(r.stdout));
    expect(out.image).toEqual({ width: 640, height: 480 });
    expect(out.intrinsics).toMatchObject({ fx: 518.8579, source: "input" });
    expect(out.depth.source).toBe("input");
    expect(out.objects.length).toBeGreaterThan(0);
    for (const o of out.objects) if (o.points > 0) expect(o.center_cam[2]).toBeGreaterThan(0.3);
  });

  it("answers several questions about one perception, one JSON line each, exactly as measured", async () => {
    const { render } = scene;
    const [a, b] = render.objects.filter((o) => o.box2d);
    const qDistance = `How far is the ${a.colorName} ${a.label} from the ${b.colorName} ${b.label}?`;
    const qLeft = `Is the ${a.colorName} ${a.label} to the left of the ${b.colorName} ${b.label}?`;
    const r = await spatial("ask", join(dir, "scene.png"), qDistance, qLeft, "Is there a giraffe next to the table?", "--depth", join(dir, "scene-depth.png"), "--intrinsics", `${render.intrinsics.fx},${render.intrinsics.fy},${render.intrinsics.cx},${render.intrinsics.cy}`, "--objects", join(dir, "objects.json"), "--local", "--json");
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => AskOutputLine.parse(JSON.parse(l)));
    expect(lines.map((l) => l.question)).toEqual([qDistance, qLeft, "Is there a giraffe next to the table?"]);
    const trueDistance = Math.hypot(...[0, 1, 2].map((i) => a.boxCanonical.center[i] - b.boxCanonical.center[i]));
    expect(lines[0].answer.type).toBe("number");
    expect(Math.abs(lines[0].answer.value_m! - trueDistance) / trueDistance).toBeLessThan(0.05);
    expect(lines[0].objects.map((o) => o.label)).toEqual([a.label, b.label]);
    expect(lines[1].answer.type).toBe("bool");
    expect(lines[1].answer.bool).toBe(a.boxCanonical.center[0] < b.boxCanonical.center[0]);
    expect(lines[2].answer.type).toBe("text");
    expect(lines[2].answer.text).toMatch(/giraffe/);
  });

  it("prints the answer first, then the objects it used, without --json", async () => {
    const r = await spatial("ask", nyu("rgb.jpg"), "How far is the dragon from the camera?", "--depth", nyu("depth.png"), "--local");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/dragon/);
  });
});

describe("bad input: one line on stderr, non-zero exit", () => {
  it("refuses garbage bytes as an image", async () => {
    expectOneLineFailure(await spatial("scene", join(dir, "garbage.jpg"), "--local", "--json"), 2, /unsupported image format|not a JPEG/);
  });
  it("refuses a truncated JPEG", async () => {
    expectOneLineFailure(await spatial("scene", join(dir, "truncated.jpg"), "--local"), 2, /corrupt|truncated/);
  });
  it("refuses a missing image file", async () => {
    expectOneLineFailure(await spatial("scene", join(dir, "nope.jpg"), "--local"), 2, /nope\.jpg/);
  });
  it("refuses a depth map whose shape does not match the image", async () => {
    expectOneLineFailure(await spatial("scene", nyu("rgb.jpg"), "--depth", join(FIXTURES, "kitti_000008/depth.png"), "--local"), 2, /1242×375|size/);
  });
  it("refuses an 8-bit depth map", async () => {
    expectOneLineFailure(await spatial("scene", nyu("rgb.jpg"), "--depth", join(dir, "depth-8bit.png"), "--local"), 2, /8-bit|16-bit/);
  });
  it("refuses NaN intrinsics", async () => {
    expectOneLineFailure(await spatial("scene", nyu("rgb.jpg"), "--intrinsics", "NaN,519,325,253", "--local"), 2, /--intrinsics/);
  });
  it("refuses an --objects box outside the image", async () => {
    expectOneLineFailure(await spatial("scene", nyu("rgb.jpg"), "--objects", join(dir, "objects-outside.json"), "--local"), 2, /outside the 640×480 image/);
  });
  it("refuses an --objects mask file that does not exist", async () => {
    expectOneLineFailure(await spatial("scene", nyu("rgb.jpg"), "--objects", join(dir, "objects-nomask.json"), "--local"), 2, /missing\.png/);
  });
  it("refuses an unknown model name", async () => {
    expectOneLineFailure(await spatial("models", "pull", "no-such-model"), 3, /no-such-model/);
  });
  it("refuses an unknown device, listing the valid ones", async () => {
    expectOneLineFailure(await spatial("scene", nyu("rgb.jpg"), "--device", "tpu", "--local"), 2, /cpu, cuda/);
  });
  it("says what to do when neither --local nor a server is given", async () => {
    expect(process.env.SPATIAL_API_URL).toBeUndefined();
    expectOneLineFailure(await spatial("scene", nyu("rgb.jpg")), 2, /--local/);
  });
  it("refuses an unknown option the commander way, in one line", async () => {
    expectOneLineFailure(await spatial("scene", nyu("rgb.jpg"), "--frobnicate"), 2, /unknown option/);
  });
});
