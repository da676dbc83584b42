import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ModelEntry } from "./manifest.js";
import {
  defaultMirror,
  installedModelPath,
  installedSha256,
  ModelCorruptError,
  ModelDownloadError,
  ModelHashMismatchError,
  modelDir,
  ModelNotInstalledError,
  modelStatus,
  pullModel,
  repoRoot,
  sha256File,
} from "./store.js";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const WEIGHTS = randomBytes(200_000);
const OTHER = randomBytes(200_000);

/** A one-file model whose bytes are WEIGHTS, fetched from `url`. */
function model(url = "http://127.0.0.1:9/never-fetched.onnx", extra: { bytes?: number } = { bytes: WEIGHTS.length }): ModelEntry {
  return ModelEntry.parse({
    name: "tiny-det",
    task: "detection",
    description: "a model for tests",
    files: { model: { file: "tiny_det.onnx", url, sha256: sha256(WEIGHTS), ...extra } },
    inputs: { image: "images" },
    outputs: { predictions: "output" },
    preprocess: { width: 8, height: 8 },
  });
}

/** A fetch that fails the test if anything tries to download. */
const noDownloads: typeof fetch = async (input) => {
  throw new Error(`unexpected download of ${String(input)}`);
};

let work: string;
let dir: string;
let mirror: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "spatial-store-"));
  dir = join(work, "models");
  mirror = join(work, "mirror");
  await mkdir(mirror);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

describe("where models live", () => {
  it("finds the repository root from the source file, and honours SPATIAL_MODEL_DIR and SPATIAL_MODEL_MIRROR", async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot(), "package.json"), "utf8"));
    expect(pkg.workspaces).toContain("apps/gpu-runner");
    vi.stubEnv("SPATIAL_MODEL_DIR", undefined);
    expect(modelDir()).toBe(join(repoRoot(), "models"));
    vi.stubEnv("SPATIAL_MODEL_DIR", dir);
    expect(modelDir()).toBe(dir);
    vi.stubEnv("SPATIAL_MODEL_MIRROR", mirror);
    expect(defaultMirror()).toBe(mirror);
  });
});

describe("pullModel from a mirror", () => {
  it("copies the file, verifies it and reports where it came from", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), WEIGHTS);
    const pulled = await pullModel(model(), { modelDir: dir, mirrorDir: mirror, fetchImpl: noDownloads });
    expect(pulled).toEqual([{ name: "tiny-det", file: "tiny_det.onnx", source: "mirror", bytes: WEIGHTS.length, path: join(dir, "tiny_det.onnx") }]);
    expect(await sha256File(join(dir, "tiny_det.onnx"))).toBe(sha256(WEIGHTS));
    expect(await installedModelPath(model(), "model", { modelDir: dir })).toBe(join(dir, "tiny_det.onnx"));
    expect(await modelStatus(model(), { modelDir: dir })).toEqual({
      status: "installed",
      files: [{ role: "model", file: "tiny_det.onnx", path: join(dir, "tiny_det.onnx"), status: "installed" }],
    });
    expect((await readdir(dir)).sort()).toEqual([".verified.json", "tiny_det.onnx"]); // no temp files left
  });

  it("leaves an installed, verified file alone", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), WEIGHTS);
    await pullModel(model(), { modelDir: dir, mirrorDir: mirror });
    const before = await stat(join(dir, "tiny_det.onnx"));
    const again = await pullModel(model(), { modelDir: dir, fetchImpl: noDownloads });
    expect(again).toEqual([{ name: "tiny-det", file: "tiny_det.onnx", source: "present", bytes: WEIGHTS.length, path: join(dir, "tiny_det.onnx") }]);
    const after = await stat(join(dir, "tiny_det.onnx"));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("detects a corrupt installed file, and a forced pull replaces it", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), WEIGHTS);
    await pullModel(model(), { modelDir: dir, mirrorDir: mirror });
    await writeFile(join(dir, "tiny_det.onnx"), OTHER);
    expect((await modelStatus(model(), { modelDir: dir })).status).toBe("corrupt");
    const error = await installedModelPath(model(), "model", { modelDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCorruptError);
    expect((error as ModelCorruptError).code).toBe("model_corrupt");
    expect((error as Error).message).toBe(
      `model "tiny-det" file ${join(dir, "tiny_det.onnx")} does not match its sha256 (expected ${sha256(WEIGHTS)}, found ${sha256(OTHER)}); run \`SPATIAL_MODEL_DIR=${dir} spatial models pull --force tiny-det\``,
    );
    const pulled = await pullModel(model(), { modelDir: dir, mirrorDir: mirror, force: true });
    expect(pulled[0]!.source).toBe("mirror");
    expect(await installedModelPath(model(), "model", { modelDir: dir })).toBe(join(dir, "tiny_det.onnx"));
    expect(await readFile(join(dir, "tiny_det.onnx"))).toEqual(WEIGHTS);
  });

  it("re-installs a corrupt file without --force too, since it is not installed with the right sha256", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), WEIGHTS);
    await mkdir(dir);
    await writeFile(join(dir, "tiny_det.onnx"), OTHER);
    expect((await pullModel(model(), { modelDir: dir, mirrorDir: mirror }))[0]!.source).toBe("mirror");
    expect((await modelStatus(model(), { modelDir: dir })).status).toBe("installed");
  });

  it("forces a re-copy of a good file only with force", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), WEIGHTS);
    await pullModel(model(), { modelDir: dir, mirrorDir: mirror });
    expect((await pullModel(model(), { modelDir: dir, mirrorDir: mirror }))[0]!.source).toBe("present");
    expect((await pullModel(model(), { modelDir: dir, mirrorDir: mirror, force: true }))[0]!.source).toBe("mirror");
  });

  it("caches verdicts by size, mtime and ctime, and still catches a rewrite that restores the mtime", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), WEIGHTS);
    await pullModel(model(), { modelDir: dir, mirrorDir: mirror });
    expect(await installedSha256(dir, "tiny_det.onnx")).toEqual({ sha256: sha256(WEIGHTS), cached: true });
    await rm(join(dir, ".verified.json"));
    expect(await installedSha256(dir, "tiny_det.onnx")).toEqual({ sha256: sha256(WEIGHTS), cached: false });
    expect(await installedSha256(dir, "tiny_det.onnx")).toEqual({ sha256: sha256(WEIGHTS), cached: true });
    // Same size, and the old mtime put back: only the ctime betrays the change.
    const before = await stat(join(dir, "tiny_det.onnx"));
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(dir, "tiny_det.onnx"), OTHER);
    await utimes(join(dir, "tiny_det.onnx"), before.atime, before.mtime);
    expect(await installedSha256(dir, "tiny_det.onnx")).toEqual({ sha256: sha256(OTHER), cached: false });
    expect((await modelStatus(model(), { modelDir: dir })).status).toBe("corrupt");
  });

  it("ignores a damaged verdict file and re-hashes", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), WEIGHTS);
    await pullModel(model(), { modelDir: dir, mirrorDir: mirror });
    await writeFile(join(dir, ".verified.json"), "{ not json");
    expect(await installedSha256(dir, "tiny_det.onnx")).toEqual({ sha256: sha256(WEIGHTS), cached: false });
  });

  it("says how to install a model that is not installed", async () => {
    vi.stubEnv("SPATIAL_MODEL_DIR", dir);
    const error = await installedModelPath(model()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotInstalledError);
    expect((error as ModelNotInstalledError).code).toBe("model_not_installed");
    expect((error as Error).message).toBe('model "tiny-det" is not installed; run `spatial models pull tiny-det`');
    expect((await modelStatus(model())).status).toBe("missing");
    // A directory other than the default one is part of the fix.
    const elsewhere = join(work, "elsewhere");
    await expect(installedModelPath(model(), "model", { modelDir: elsewhere })).rejects.toThrow(
      `model "tiny-det" is not installed; run \`SPATIAL_MODEL_DIR=${elsewhere} spatial models pull tiny-det\``,
    );
    await expect(installedModelPath(model(), "decoder", { modelDir: dir })).rejects.toThrow('model "tiny-det" has no "decoder" file; its manifest entry lists model.');
  });

  it("refuses a mirror file with the wrong hash and leaves nothing in the model directory", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), OTHER);
    const error = await pullModel(model(), { modelDir: dir, mirrorDir: mirror, fetchImpl: noDownloads }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelHashMismatchError);
    expect((error as ModelHashMismatchError).code).toBe("model_hash_mismatch");
    expect((error as Error).message).toBe(
      `model "tiny-det" file tiny_det.onnx in the mirror (${join(mirror, "tiny_det.onnx")}) has sha256 ${sha256(OTHER)}, but the manifest expects ${sha256(WEIGHTS)}; ` +
        "replace it with the file from http://127.0.0.1:9/never-fetched.onnx, or remove it to download from upstream, then run `spatial models pull tiny-det` again.",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("keeps a good installed file when a forced pull meets a bad mirror", async () => {
    await writeFile(join(mirror, "tiny_det.onnx"), WEIGHTS);
    await pullModel(model(), { modelDir: dir, mirrorDir: mirror });
    await writeFile(join(mirror, "tiny_det.onnx"), OTHER);
    await expect(pullModel(model(), { modelDir: dir, mirrorDir: mirror, force: true })).rejects.toBeInstanceOf(ModelHashMismatchError);
    expect(await readFile(join(dir, "tiny_det.onnx"))).toEqual(WEIGHTS);
    expect((await readdir(dir)).sort()).toEqual([".verified.json", "tiny_det.onnx"]);
  });

  it("refuses a mirror that is not a directory", async () => {
    const absent = join(work, "no-such-mirror");
    await expect(pullModel(model(), { modelDir: dir, mirrorDir: absent })).rejects.toThrow(
      `the model mirror ${absent} is not a directory; point the mirror at the directory that holds the model files.`,
    );
  });
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 serving `handler`; `close()` also drops hanging connections. */
async function serve(handler: Handler): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/models/tiny_det.onnx`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe("pullModel from upstream (a local HTTP server)", () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("downloads, verifies and installs the file", async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { "content-length": WEIGHTS.length });
      res.end(WEIGHTS);
    });
    const pulled = await pullModel(model(server.url), { modelDir: dir, mirrorDir: mirror });
    expect(pulled).toEqual([{ name: "tiny-det", file: "tiny_det.onnx", source: "upstream", bytes: WEIGHTS.length, path: join(dir, "tiny_det.onnx") }]);
    expect(server.requests).toEqual(["GET /models/tiny_det.onnx"]);
    expect(await readFile(join(dir, "tiny_det.onnx"))).toEqual(WEIGHTS);
    expect((await readdir(dir)).sort()).toEqual([".verified.json", "tiny_det.onnx"]);
  });

  it("streams a body sent in chunks without a length, when the manifest gives no size", async () => {
    server = await serve((_req, res) => {
      res.write(WEIGHTS.subarray(0, 70_000));
      setTimeout(() => res.end(WEIGHTS.subarray(70_000)), 20);
    });
    const pulled = await pullModel(model(server.url, {}), { modelDir: dir });
    expect(pulled[0]!.bytes).toBe(WEIGHTS.length);
    expect(await sha256File(join(dir, "tiny_det.onnx"))).toBe(sha256(WEIGHTS));
  });

  it("reports a 404 with the URL and leaves nothing behind", async () => {
    server = await serve((_req, res) => {
      res.writeHead(404, "Not Found");
      res.end("no such file");
    });
    const error = await pullModel(model(server.url), { modelDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect((error as ModelDownloadError).code).toBe("model_download_failed");
    expect((error as Error).message).toBe(
      `could not download model "tiny-det" file tiny_det.onnx from ${server.url}: the server answered HTTP 404 Not Found; ` +
        "check the network, or install from a directory that holds the file with `spatial models pull --mirror DIR tiny-det`.",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("says the mirror lacked the file when the download after it fails", async () => {
    server = await serve((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await expect(pullModel(model(server.url), { modelDir: dir, mirrorDir: mirror })).rejects.toThrow(
      `; the mirror ${mirror} has no tiny_det.onnx either; put the file there or check the network, then run \`spatial models pull tiny-det\` again.`,
    );
  });

  it("refuses a body cut off before its declared length", async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { "content-length": WEIGHTS.length });
      res.write(WEIGHTS.subarray(0, 50_000), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const error = await pullModel(model(server.url), { modelDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect((error as Error).message).toMatch(/: the transfer broke off after \d+ bytes \(.+\); check the network/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a body that ends short of the size in the manifest", async () => {
    server = await serve((_req, res) => {
      res.write(WEIGHTS.subarray(0, 50_000)); // chunked: the server says nothing of the length
      res.end();
    });
    await expect(pullModel(model(server.url), { modelDir: dir })).rejects.toThrow(`: the transfer ended after 50000 of ${WEIGHTS.length} bytes;`);
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a body with the wrong hash, naming both hashes and the URL", async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { "content-length": OTHER.length });
      res.end(OTHER);
    });
    const error = await pullModel(model(server.url), { modelDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelHashMismatchError);
    expect((error as Error).message).toBe(
      `model "tiny-det" file tiny_det.onnx downloaded from ${server.url} has sha256 ${sha256(OTHER)}, but the manifest expects ${sha256(WEIGHTS)}; ` +
        "try again later, and if it persists correct the entry's url or sha256 in its manifest.",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses more bytes than the manifest expects, declared or streamed", async () => {
    const big = Buffer.concat([WEIGHTS, OTHER]);
    server = await serve((req, res) => {
      if (req.url?.endsWith("declared.onnx")) res.writeHead(200, { "content-length": big.length });
      res.write(big); // without a declared length: chunked
      res.end();
    });
    await expect(pullModel(model(server.url.replace("tiny_det", "declared")), { modelDir: dir })).rejects.toThrow(
      `: the server offers ${big.length} bytes but the manifest expects ${WEIGHTS.length};`,
    );
    await expect(pullModel(model(server.url), { modelDir: dir })).rejects.toThrow(`: the server sent more than the ${WEIGHTS.length} bytes the manifest expects;`);
    expect(await readdir(dir)).toEqual([]);
  });

  it("gives up on a server that never answers", async () => {
    server = await serve(() => undefined);
    const started = Date.now();
    await expect(pullModel(model(server.url), { modelDir: dir, timeoutMs: 200 })).rejects.toThrow(`${server.url}: no answer within 0.2 s;`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await readdir(dir)).toEqual([]);
  });

  it("gives up on a transfer that stalls", async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { "content-length": WEIGHTS.length });
      res.write(WEIGHTS.subarray(0, 1000));
    });
    await expect(pullModel(model(server.url), { modelDir: dir, timeoutMs: 500 })).rejects.toThrow(/: no data for 0\.5 s after 1000 bytes;/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("reports a refused connection", async () => {
    server = await serve(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    await expect(pullModel(model(url), { modelDir: dir })).rejects.toThrow(/: fetch failed: .*ECONNREFUSED.*; check the network/);
  });
});
