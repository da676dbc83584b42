// Which models exist: the built-in manifest (models.json) merged with the user's own manifests
// (paths from the option and from SPATIAL_MODEL_MANIFEST, colon-separated). A user entry with a
// built-in's name replaces it, so a user can point the default detector at another file; a later
// manifest wins over an earlier one in the same way.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ModelManifest, type ModelEntry, type ModelTask } from "./manifest.js";

export const BUILT_IN_MANIFEST = "built-in";

export interface LoadedManifest {
  models: ModelEntry[];
  /** Where each model's entry came from: "built-in" or the absolute path of a user manifest. */
  sourceOf: Map<string, string>;
}

export interface LoadManifestOptions {
  /** User manifests read after those in SPATIAL_MODEL_MANIFEST (so they win over them). */
  extraManifestPaths?: string[];
}

export class UnknownModelError extends Error {
  readonly code = "unknown_model";
  constructor(readonly modelName: string, readonly known: string[]) {
    super(
      `unknown model "${modelName}"; the known models are ${known.join(", ") || "(none)"}. ` +
        "Check the name with `spatial models list`, or describe the model in a manifest file named in SPATIAL_MODEL_MANIFEST.",
    );
    this.name = "UnknownModelError";
  }
}

export class ManifestError extends Error {
  readonly code = "model_manifest_invalid";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ManifestError";
  }
}

/** `models[2] ("my-depth").files.model.sha256`: where in the file a problem is, as a person reads it. */
function issuePath(path: readonly PropertyKey[], json: unknown): string {
  let out = "";
  let node: unknown = json;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(String(key))}]`;
    node = node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    const name = node !== null && typeof node === "object" ? (node as { name?: unknown }).name : undefined;
    if (/^models\[\d+\]$/.test(out) && typeof name === "string") out += ` ("${name}")`;
  }
  return out || "the top level";
}

function parseManifest(json: unknown, where: string): ModelManifest {
  const parsed = ModelManifest.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  throw new ManifestError(
    `model manifest ${where} is invalid at ${issuePath(first.path, json)}: ${first.message}${more}; fix the file (its shape is ModelManifest in apps/gpu-runner/src/models/manifest.ts).`,
  );
}

async function readManifest(path: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(
      `model manifest ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (error as Error).message})`}; fix the path given in SPATIAL_MODEL_MANIFEST or the manifest option.`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`model manifest ${path} is not valid JSON (${(error as Error).message}); fix the file.`, { cause: error });
  }
  const manifest = parseManifest(json, path);
  const seen = new Set<string>();
  for (const m of manifest.models) {
    if (seen.has(m.name)) throw new ManifestError(`model manifest ${path} describes "${m.name}" twice; keep one entry per name.`);
    seen.add(m.name);
  }
  return manifest;
}

let builtIn: Promise<ModelManifest> | undefined;

function builtInManifest(): Promise<ModelManifest> {
  builtIn ??= readFile(new URL("./models.json", import.meta.url), "utf8").then((text) => parseManifest(JSON.parse(text), "models.json (built-in)"));
  return builtIn;
}

/** Paths named in SPATIAL_MODEL_MANIFEST (colon-separated; empty parts ignored). */
export function manifestPathsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.SPATIAL_MODEL_MANIFEST ?? "").split(":").filter((p) => p.trim() !== "");
}

/**
 * The built-in models merged with the user's manifests; throws a one-line `ManifestError` naming the
 * file and the field when one is malformed.
 * @example const manifest = await loadManifest({ extraManifestPaths: ["./my-models.json"] });
 */
export async function loadManifest(options: LoadManifestOptions = {}): Promise<LoadedManifest> {
  const byName = new Map<string, ModelEntry>();
  const sourceOf = new Map<string, string>();
  for (const m of (await builtInManifest()).models) {
    byName.set(m.name, m);
    sourceOf.set(m.name, BUILT_IN_MANIFEST);
  }
  for (const path of [...manifestPathsFromEnv(), ...(options.extraManifestPaths ?? [])].map((p) => resolve(p))) {
    for (const m of (await readManifest(path)).models) {
      byName.set(m.name, m);
      sourceOf.set(m.name, path);
    }
  }
  // Two models writing one file name with different contents would overwrite each other in the model directory.
  const byFile = new Map<string, { model: string; sha256: string }>();
  for (const m of byName.values()) {
    for (const f of Object.values(m.files)) {
      const other = byFile.get(f.file);
      if (other && other.sha256 !== f.sha256) {
        throw new ManifestError(
          `models "${other.model}" (${sourceOf.get(other.model)}) and "${m.name}" (${sourceOf.get(m.name)}) both install a file named ${f.file} with different sha256; give one of them another file name.`,
        );
      }
      byFile.set(f.file, { model: m.name, sha256: f.sha256 });
    }
  }
  return { models: [...byName.values()], sourceOf };
}

/** The entry named `name`; an `UnknownModelError` listing the known names otherwise. */
export function findModel(manifest: Pick<LoadedManifest, "models">, name: string): ModelEntry {
  const entry = manifest.models.find((m) => m.name === name);
  if (!entry) throw new UnknownModelError(name, manifest.models.map((m) => m.name));
  return entry;
}

/** Every model for a task, in manifest order (built-ins first). */
export function modelsForTask(manifest: Pick<LoadedManifest, "models">, task: ModelTask): ModelEntry[] {
  return manifest.models.filter((m) => m.task === task);
}
