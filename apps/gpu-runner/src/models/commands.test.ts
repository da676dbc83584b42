import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatList, formatPullResult, listCommand, pullCommand } from "./commands.js";
import { findModel, loadManifest, UnknownModelError } from "./registry.js";
import { installedModelPath, repoRoot, sha256File } from "./store.js";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const A = randomBytes(30_000);
const B = randomBytes(20_000);

/** The mirror `npm install` uses on these machines, found the way `defaultMirror()` finds it. */
const SHARED_MIRROR = join(repoRoot(), "../shared/models");

function entry(name: string, file: string, data: Buffer, isDefault: boolean, url = `http://127.0.0.1:9/${file}`) {
  return {
    name,
    task: "detection",
    description: `${name} for tests`,
    default: isDefault,
    files: { model: { file, url, sha256: sha256(data), bytes: data.length } },
    inputs: { image: "images" },
    outputs: { predictions: "output" },
    preprocess: { width: 8, height: 8 },
  };
}

let work: string;
let dir: string;
let mirror: string;
let manifestPath: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "spatial-commands-"));
  dir = join(work, "models");
  mirror = join(work, "mirror");
  await mkdir(mirror);
  await writeFile(join(mirror, "a.onnx"), A);
  await writeFile(join(mirror, "b.onnx"), B);
  // Replacing both built-ins with non-default entries keeps these tests to the files made here.
  manifestPath = join(work, "manifest.json");
  await writeFile(
    manifestPath,
    JSON.stringify({
      version: 1,
      models: [
        entry("yolox-nano-coco", "a.onnx", A, false),
        entry("deeplabv3-mnv2-voc", "b.onnx", B, false),
        entry("tiny-a", "a.onnx", A, true),
        entry("tiny-b", "b.onnx", B, false),
      ],
    }),
  );
  vi.stubEnv("SPATIAL_MODEL_MANIFEST", undefined);
  vi.stubEnv("SPATIAL_MODEL_MIRROR", undefined);
  vi.stubEnv("SPATIAL_MODEL_DIR", undefined);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

describe("pullCommand", () => {
  it("pulls every default model when no names are given", async () => {
    const pulled = await pullCommand([], { manifestPaths: [manifestPath], mirror, modelDir: dir });
    expect(pulled).toEqual([{ name: "tiny-a", file: "a.onnx", source: "mirror", bytes: A.length, path: join(dir, "a.onnx") }]);
    expect((await readdir(dir)).sort()).toEqual([".verified.json", "a.onnx"]);
  });

  it("pulls the named models once each, reporting those already present", async () => {
    const seen: string[][] = [];
    await pullCommand(["tiny-a"], { manifestPaths: [manifestPath], mirror, modelDir: dir });
    const pulled = await pullCommand(["tiny-a", "tiny-b", "tiny-a"], { manifestPaths: [manifestPath], mirror, modelDir: dir, onModel: (files) => seen.push(files.map((f) => f.name)) });
    expect(pulled.map((r) => [r.name, r.source])).toEqual([
      ["tiny-a", "present"],
      ["tiny-b", "mirror"],
    ]);
    expect(seen).toEqual([["tiny-a"], ["tiny-b"]]);
  });

  it("rejects an unknown name before downloading or copying anything", async () => {
    let fetches = 0;
    const counting: typeof fetch = (input, init) => {
      fetches += 1;
      return fetch(input, init);
    };
    const error = await pullCommand(["tiny-a", "tiny-c"], { manifestPaths: [manifestPath], mirror, modelDir: dir, fetchImpl: counting }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownModelError);
    expect((error as Error).message).toBe(
      'unknown model "tiny-c"; the known models are yolox-nano-coco, deeplabv3-mnv2-voc, tiny-a, tiny-b. Check the name with `spatial models list`, or describe the model in a manifest file named in SPATIAL_MODEL_MANIFEST.',
    );
    expect(fetches).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it("names the fix for a mirror that does not exist, from --mirror or from SPATIAL_MODEL_MIRROR", async () => {
    const absent = join(work, "absent");
    await expect(pullCommand([], { manifestPaths: [manifestPath], mirror: absent, modelDir: dir })).rejects.toThrow(
      `the mirror ${absent} given with --mirror is not a directory; pass the directory that holds the model files.`,
    );
    vi.stubEnv("SPATIAL_MODEL_MIRROR", absent);
    await expect(pullCommand([], { manifestPaths: [manifestPath], modelDir: dir })).rejects.toThrow(
      `SPATIAL_MODEL_MIRROR=${absent} is not a directory; set it to the directory that holds the model files, or unset it to download from upstream.`,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it("installs and verifies the two real built-in models from the shared mirror", async () => {
    if (!existsSync(SHARED_MIRROR)) {
      expect.fail(`the model mirror ${SHARED_MIRROR} is missing, so the built-in models cannot be installed offline; restore it (see MODELS.md) or run with network access.`);
    }
    const pulled = await pullCommand([], { mirror: SHARED_MIRROR, modelDir: dir, fetchImpl: () => Promise.reject(new Error("the mirror should have served this")) });
    expect(pulled.map((r) => [r.name, r.file, r.source, r.bytes])).toEqual([
      ["yolox-nano-coco", "yolox_nano_coco.onnx", "mirror", 3660092],
      ["deeplabv3-mnv2-voc", "deeplabv3_mnv2_voc.onnx", "mirror", 2781296],
    ]);
    const manifest = await loadManifest();
    expect(await sha256File(await installedModelPath(findModel(manifest, "yolox-nano-coco"), "model", { modelDir: dir }))).toBe(
      "695e750a5d5754bb5a8d5325643b59282191a7e7a564e435a415fd3c578eab14",
    );
    expect(await sha256File(await installedModelPath(findModel(manifest, "deeplabv3-mnv2-voc"), "model", { modelDir: dir }))).toBe(
      "48a46b346ca7e2e96760b8a10a302046a3b5a9ce55e59d4c659c36d9cbd44118",
    );
    expect((await listCommand({ modelDir: dir })).map((r) => r.status)).toEqual(["installed", "installed"]);
  });
});

describe("formatPullResult", () => {
  it("prints one line per model", () => {
    const text = formatPullResult([
      { name: "tiny-a", file: "a.onnx", source: "mirror", bytes: 3660092, path: "/m/a.onnx" },
      { name: "sam", file: "enc.onnx", source: "present", bytes: 2048, path: "/m/enc.onnx" },
      { name: "sam", file: "dec.onnx", source: "upstream", bytes: 900, path: "/m/dec.onnx" },
    ]);
    expect(text.split("\n")).toEqual([
      "tiny-a: copied from the mirror to /m/a.onnx (3.5 MiB), sha256 verified",
      "sam: already installed at /m/enc.onnx (2 KiB); downloaded to /m/dec.onnx (900 bytes), sha256 verified",
    ]);
    expect(formatPullResult([])).toBe("no models to pull: the manifest marks none as default; name the models to pull.");
  });
});

describe("listCommand", () => {
  it("lists every model with its status and renders a table with the fix for what is missing", async () => {
    await pullCommand(["tiny-a", "tiny-b"], { manifestPaths: [manifestPath], mirror, modelDir: dir });
    await writeFile(join(dir, "b.onnx"), A); // tiny-b and the replaced deeplab entry share b.onnx
    const otherDir = join(work, "other");
    const rows = await listCommand({ manifestPaths: [manifestPath], modelDir: dir });
    expect(rows.map((r) => [r.name, r.status, r.default])).toEqual([
      ["yolox-nano-coco", "installed", false],
      ["deeplabv3-mnv2-voc", "corrupt", false],
      ["tiny-a", "installed", true],
      ["tiny-b", "corrupt", false],
    ]);
    expect(rows[2]).toEqual({ name: "tiny-a", task: "detection", default: true, status: "installed", path: join(dir, "a.onnx"), description: "tiny-a for tests" });
    expect(formatList(rows).split("\n")).toEqual([
      "NAME                TASK       DEFAULT  STATUS     DESCRIPTION",
      "yolox-nano-coco     detection  no       installed  yolox-nano-coco for tests",
      "deeplabv3-mnv2-voc  detection  no       corrupt    deeplabv3-mnv2-voc for tests",
      "tiny-a              detection  yes      installed  tiny-a for tests",
      "tiny-b              detection  no       corrupt    tiny-b for tests",
      `models directory: ${dir}`,
      "to install the ones not installed, run `spatial models pull deeplabv3-mnv2-voc tiny-b`",
    ]);
    expect((await listCommand({ manifestPaths: [manifestPath], modelDir: otherDir })).map((r) => r.status)).toEqual(["missing", "missing", "missing", "missing"]);
  });
});

const run = promisify(execFile);

/** Runs scripts/install-models.ts as `npm install` does, with `env` on top of this process's. */
async function installScript(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = join(repoRoot(), "node_modules/.bin/tsx");
  try {
    const { stdout, stderr } = await run(tsx, [join(repoRoot(), "scripts/install-models.ts")], { cwd: repoRoot(), env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A 127.0.0.1 port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("scripts/install-models.ts (the postinstall)", () => {
  it("installs the default models from the mirror, one line each", async () => {
    if (!existsSync(SHARED_MIRROR)) expect.fail(`the model mirror ${SHARED_MIRROR} is missing; restore it (see MODELS.md).`);
    const result = await installScript({ SPATIAL_MODEL_DIR: dir, SPATIAL_MODEL_MIRROR: SHARED_MIRROR, SPATIAL_MODEL_MANIFEST: "" });
    expect(result).toEqual({
      code: 0,
      stdout:
        `yolox-nano-coco: copied from the mirror to ${join(dir, "yolox_nano_coco.onnx")} (3.5 MiB), sha256 verified\n` +
        `deeplabv3-mnv2-voc: copied from the mirror to ${join(dir, "deeplabv3_mnv2_voc.onnx")} (2.7 MiB), sha256 verified\n`,
      stderr: "",
    });
  });

  it("fails with one line naming the fix when neither the mirror nor the network has the models", async () => {
    const port = await closedPort();
    const offline = join(work, "offline.json");
    await writeFile(offline, JSON.stringify({ version: 1, models: [entry("tiny-a", "a.onnx", A, true, `http://127.0.0.1:${port}/a.onnx`)] }));
    const emptyMirror = join(work, "empty-mirror");
    await mkdir(emptyMirror);
    const result = await installScript({ SPATIAL_MODEL_DIR: dir, SPATIAL_MODEL_MIRROR: emptyMirror, SPATIAL_MODEL_MANIFEST: `${manifestPath}:${offline}` });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      new RegExp(
        `^spatial: the default models could not be installed into ${dir}: the mirror ${emptyMirror} has no a\\.onnx and downloading it failed \\(fetch failed: .*ECONNREFUSED.*\\)\\. ` +
          "To install them, run `SPATIAL_MODEL_MIRROR=<directory with the model files> npm run models:pull`, or `npx spatial models pull` where the network is reachable\\.\\n$",
      ),
    );
  });
});
