import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { findModel, loadManifest, ManifestError, modelsForTask, UnknownModelError } from "./registry.js";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

function entry(name: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    task: "metric-depth",
    description: `${name} for tests`,
    files: { model: { file: `${name}.onnx`, url: `https://example.org/${name}.onnx`, sha256: SHA_A } },
    inputs: { image: "pixel_values" },
    outputs: { depth: "predicted_depth" },
    preprocess: { width: 518, height: 518 },
    ...overrides,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "spatial-registry-"));
  vi.stubEnv("SPATIAL_MODEL_MANIFEST", undefined);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

async function manifestFile(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("loadManifest", () => {
  it("loads the two built-in models, both installed by default", async () => {
    const manifest = await loadManifest();
    expect(manifest.models.map((m) => [m.name, m.task, m.default])).toEqual([
      ["yolox-nano-coco", "detection", true],
      ["deeplabv3-mnv2-voc", "semantic-segmentation", true],
    ]);
    expect(manifest.sourceOf.get("yolox-nano-coco")).toBe("built-in");
  });

  it("adds user models and lets a user entry replace a built-in one of the same name", async () => {
    const replacement = entry("yolox-nano-coco", { task: "detection", description: "my own YOLOX export", files: { model: { file: "my-yolox.onnx", url: "https://example.org/y.onnx", sha256: SHA_B } } });
    const path = await manifestFile("mine.json", { version: 1, models: [entry("depth-anything-v2-metric-small"), replacement] });
    const manifest = await loadManifest({ extraManifestPaths: [path] });
    expect(manifest.models.map((m) => m.name)).toEqual(["yolox-nano-coco", "deeplabv3-mnv2-voc", "depth-anything-v2-metric-small"]);
    const yolox = findModel(manifest, "yolox-nano-coco");
    expect(yolox.description).toBe("my own YOLOX export");
    expect(yolox.files.model!.file).toBe("my-yolox.onnx");
    expect(yolox.default).toBe(false); // the user's entry replaces the built-in one whole, defaults and all
    expect(manifest.sourceOf.get("yolox-nano-coco")).toBe(path);
    expect(manifest.sourceOf.get("deeplabv3-mnv2-voc")).toBe("built-in");
  });

  it("reads SPATIAL_MODEL_MANIFEST (colon-separated, empty parts ignored) before the option's paths, later winning", async () => {
    const first = await manifestFile("first.json", { version: 1, models: [entry("depth-a", { description: "from first" }), entry("depth-b")] });
    const second = await manifestFile("second.json", { version: 1, models: [entry("depth-a", { description: "from second" })] });
    const third = await manifestFile("third.json", { version: 1, models: [entry("depth-a", { description: "from the option" })] });
    vi.stubEnv("SPATIAL_MODEL_MANIFEST", `${first}::${second}:`);
    let manifest = await loadManifest();
    expect(findModel(manifest, "depth-a").description).toBe("from second");
    expect(findModel(manifest, "depth-b").description).toBe("depth-b for tests");
    manifest = await loadManifest({ extraManifestPaths: [third] });
    expect(findModel(manifest, "depth-a").description).toBe("from the option");
  });

  it("names the file, the model and the field of a malformed entry, on one line", async () => {
    const bad = entry("my-depth", { files: { model: { file: "my-depth.onnx", url: "https://example.org/d.onnx", sha256: "ABC" } } });
    const path = await manifestFile("bad.json", { version: 1, models: [entry("fine"), bad] });
    const error = await loadManifest({ extraManifestPaths: [path] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).code).toBe("model_manifest_invalid");
    expect((error as Error).message).toBe(
      `model manifest ${path} is invalid at models[1] ("my-depth").files.model.sha256: sha256 must be 64 lower-case hex digits; fix the file (its shape is ModelManifest in apps/gpu-runner/src/models/manifest.ts).`,
    );
  });

  it("counts the other problems of a malformed manifest and names the top-level ones", async () => {
    const path = await manifestFile("worse.json", { version: 2, models: [{ name: "x" }] });
    const message = await loadManifest({ extraManifestPaths: [path] }).catch((e: Error) => e.message);
    expect(message).toMatch(new RegExp(`^model manifest ${path} is invalid at version: .* \\(and \\d+ more problems\\); fix the file`));
    expect(message).not.toContain("\n");
  });

  it("says when a user manifest is not JSON, does not exist, or names a model twice", async () => {
    const notJson = await manifestFile("broken.json", "{ version: 1,");
    await expect(loadManifest({ extraManifestPaths: [notJson] })).rejects.toThrow(new RegExp(`^model manifest ${notJson} is not valid JSON \\(.+\\); fix the file\\.$`));
    const absent = join(dir, "absent.json");
    await expect(loadManifest({ extraManifestPaths: [absent] })).rejects.toThrow(
      `model manifest ${absent} does not exist; fix the path given in SPATIAL_MODEL_MANIFEST or the manifest option.`,
    );
    const twice = await manifestFile("twice.json", { version: 1, models: [entry("dup"), entry("dup")] });
    await expect(loadManifest({ extraManifestPaths: [twice] })).rejects.toThrow(`model manifest ${twice} describes "dup" twice; keep one entry per name.`);
  });

  it("refuses two models that would write the same file name with different contents", async () => {
    const clash = entry("my-yolox", { files: { model: { file: "yolox_nano_coco.onnx", url: "https://example.org/y.onnx", sha256: SHA_B } } });
    const path = await manifestFile("clash.json", { version: 1, models: [clash] });
    await expect(loadManifest({ extraManifestPaths: [path] })).rejects.toThrow(
      `models "yolox-nano-coco" (built-in) and "my-yolox" (${path}) both install a file named yolox_nano_coco.onnx with different sha256; give one of them another file name.`,
    );
  });
});

describe("findModel and modelsForTask", () => {
  it("finds a model by name, and an unknown name lists the known ones", async () => {
    const manifest = await loadManifest();
    expect(findModel(manifest, "deeplabv3-mnv2-voc").task).toBe("semantic-segmentation");
    const error = (() => {
      try {
        findModel(manifest, "yolox-tiny");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownModelError);
    expect((error as UnknownModelError).code).toBe("unknown_model");
    expect((error as Error).message).toBe(
      'unknown model "yolox-tiny"; the known models are yolox-nano-coco, deeplabv3-mnv2-voc. Check the name with `spatial models list`, or describe the model in a manifest file named in SPATIAL_MODEL_MANIFEST.',
    );
  });

  it("lists the models of a task in manifest order", async () => {
    const path = await manifestFile("depth.json", { version: 1, models: [entry("depth-a"), entry("depth-b")] });
    const manifest = await loadManifest({ extraManifestPaths: [path] });
    expect(modelsForTask(manifest, "metric-depth").map((m) => m.name)).toEqual(["depth-a", "depth-b"]);
    expect(modelsForTask(manifest, "detection").map((m) => m.name)).toEqual(["yolox-nano-coco"]);
    expect(modelsForTask(manifest, "promptable-segmentation")).toEqual([]);
  });
});
