// The model store: installs a manifest entry's files into the model directory from a mirror
// directory when it holds them, else from their upstream URLs, and verifies sha256 either way.
// Installs are atomic (a temp file beside the target, then rename), so a crash or a bad source never
// leaves a half-written or wrong model where the runner would load it. Verified hashes are cached in
// a sidecar keyed by size, mtime and ctime, so each pipeline start costs a stat, not a re-hash.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, readFileSync, statSync, type Stats } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { ModelEntry } from "./manifest.js";

let root: string | undefined;

/** The repository root: the nearest ancestor of this file whose package.json declares workspaces (not the cwd). */
export function repoRoot(): string {
  if (root !== undefined) return root;
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).workspaces) return (root = dir);
    } catch {
      // no package.json here, or not JSON: keep walking up
    }
  }
  return (root = resolve(here, "../../../.."));
}

/** Where models are installed: SPATIAL_MODEL_DIR, else `<repo>/models` (git-ignored). */
export function modelDir(): string {
  const fromEnv = process.env.SPATIAL_MODEL_DIR?.trim();
  return fromEnv ? resolve(fromEnv) : join(repoRoot(), "models");
}

/** SPATIAL_MODEL_MIRROR, else `<repo>/../shared/models` when that directory exists, else none. */
export function defaultMirror(): string | undefined {
  const fromEnv = process.env.SPATIAL_MODEL_MIRROR?.trim();
  if (fromEnv) return resolve(fromEnv);
  const shared = resolve(repoRoot(), "../shared/models");
  return isDirectory(shared) ? shared : undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export type ModelStoreErrorCode = "model_not_installed" | "model_corrupt" | "model_download_failed" | "model_hash_mismatch" | "model_mirror_missing";

export class ModelStoreError extends Error {
  constructor(readonly code: ModelStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelStoreError";
  }
}

/** The command that installs `name` into `dir`, with SPATIAL_MODEL_DIR when `dir` is not the default. */
function pullCommandLine(name: string, dir: string, force: boolean): string {
  const env = resolve(dir) === modelDir() ? "" : `SPATIAL_MODEL_DIR=${dir} `;
  return `${env}spatial models pull ${force ? "--force " : ""}${name}`;
}

export class ModelNotInstalledError extends ModelStoreError {
  constructor(readonly modelName: string, readonly dir: string) {
    super("model_not_installed", `model "${modelName}" is not installed; run \`${pullCommandLine(modelName, dir, false)}\``);
    this.name = "ModelNotInstalledError";
  }
}

export class ModelCorruptError extends ModelStoreError {
  constructor(readonly modelName: string, readonly path: string, readonly expected: string, readonly actual: string, dir: string) {
    super("model_corrupt", `model "${modelName}" file ${path} does not match its sha256 (expected ${expected}, found ${actual}); run \`${pullCommandLine(modelName, dir, true)}\``);
    this.name = "ModelCorruptError";
  }
}

export class ModelDownloadError extends ModelStoreError {
  constructor(
    readonly modelName: string,
    readonly file: string,
    readonly url: string,
    /** What went wrong, without the fix: "the server answered HTTP 404 Not Found". */
    readonly reason: string,
    fix: string,
    options?: { cause?: unknown },
  ) {
    super("model_download_failed", `could not download model "${modelName}" file ${file} from ${url}: ${reason}; ${fix}.`, options);
    this.name = "ModelDownloadError";
  }
}

export class ModelHashMismatchError extends ModelStoreError {
  constructor(message: string, readonly expected: string, readonly actual: string, readonly from: string) {
    super("model_hash_mismatch", message);
    this.name = "ModelHashMismatchError";
  }
}

/** sha256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const VERDICTS_FILE = ".verified.json";
const Verdicts = z.object({
  version: z.literal(1),
  files: z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number(), ctimeMs: z.number(), sha256: z.string() })),
});
type Verdicts = z.infer<typeof Verdicts>;

async function readVerdicts(dir: string): Promise<Verdicts> {
  try {
    const parsed = Verdicts.safeParse(JSON.parse(await readFile(join(dir, VERDICTS_FILE), "utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // absent or unreadable: start over, the cost is one re-hash
  }
  return { version: 1, files: {} };
}

/** Remembers a verified hash; best effort (a read-only model directory just means re-hashing). */
async function recordVerdict(dir: string, file: string, info: Stats, sha256: string): Promise<void> {
  const verdicts = await readVerdicts(dir);
  verdicts.files[file] = { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, sha256 };
  const temp = join(dir, `${VERDICTS_FILE}.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    await writeFile(temp, `${JSON.stringify(verdicts, null, 2)}\n`);
    await rename(temp, join(dir, VERDICTS_FILE));
  } catch {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

/**
 * The sha256 of an installed file, from the sidecar cache when its size, mtime and ctime are unchanged
 * (`cached: true`), else hashed now and remembered; null when the file does not exist.
 */
export async function installedSha256(dir: string, file: string): Promise<{ sha256: string; cached: boolean } | null> {
  const path = join(dir, file);
  let info: Stats;
  try {
    info = await stat(path);
  } catch {
    return null;
  }
  if (!info.isFile()) return { sha256: "(not a regular file)", cached: false };
  const known = (await readVerdicts(dir)).files[file];
  if (known && known.size === info.size && known.mtimeMs === info.mtimeMs && known.ctimeMs === info.ctimeMs) return { sha256: known.sha256, cached: true };
  const sha256 = await sha256File(path);
  await recordVerdict(dir, file, info, sha256);
  return { sha256, cached: false };
}

export type FileStatus = "installed" | "missing" | "corrupt";

export interface FileStatusRow {
  role: string;
  file: string;
  path: string;
  status: FileStatus;
}

export interface ModelStatus {
  /** The worst over the files: corrupt, then missing, then installed. */
  status: FileStatus;
  files: FileStatusRow[];
}

export interface ModelDirOptions {
  /** Defaults to `modelDir()`. */
  modelDir?: string;
}

/** Whether each of the entry's files is installed with the right sha256. */
export async function modelStatus(entry: ModelEntry, options: ModelDirOptions = {}): Promise<ModelStatus> {
  const dir = resolve(options.modelDir ?? modelDir());
  const files = await Promise.all(
    Object.entries(entry.files).map(async ([role, f]): Promise<FileStatusRow> => {
      const got = await installedSha256(dir, f.file);
      return { role, file: f.file, path: join(dir, f.file), status: got === null ? "missing" : got.sha256 === f.sha256 ? "installed" : "corrupt" };
    }),
  );
  const statuses = files.map((f) => f.status);
  return { status: statuses.includes("corrupt") ? "corrupt" : statuses.includes("missing") ? "missing" : "installed", files };
}

/**
 * Absolute path of an installed, verified model file, or a `ModelNotInstalledError` /
 * `ModelCorruptError` whose message is the command that fixes it.
 * @example const onnxPath = await installedModelPath(findModel(manifest, "yolox-nano-coco"));
 */
export async function installedModelPath(entry: ModelEntry, role = "model", options: ModelDirOptions = {}): Promise<string> {
  const f = entry.files[role];
  if (!f) throw new Error(`model "${entry.name}" has no "${role}" file; its manifest entry lists ${Object.keys(entry.files).join(", ")}.`);
  const dir = resolve(options.modelDir ?? modelDir());
  const got = await installedSha256(dir, f.file);
  if (got === null) throw new ModelNotInstalledError(entry.name, dir);
  if (got.sha256 !== f.sha256) throw new ModelCorruptError(entry.name, join(dir, f.file), f.sha256, got.sha256, dir);
  return join(dir, f.file);
}

export interface PullModelOptions extends ModelDirOptions {
  /** A directory holding model files by their `file` names; files it lacks come from upstream. */
  mirrorDir?: string;
  /** Re-install even files that are installed and verified. */
  force?: boolean;
  fetchImpl?: typeof fetch;
  /** A download fails when no data arrives for this long (connecting included); default 30 s. */
  timeoutMs?: number;
}

export interface PulledFile {
  name: string;
  file: string;
  source: "present" | "mirror" | "upstream";
  bytes: number;
  /** Where it is installed. */
  path: string;
}

/** Writes chunks to a new file while hashing them; `progress.bytes` stays readable when it throws. */
async function writeHashing(
  chunks: AsyncIterable<Uint8Array>,
  dest: string,
  progress: { bytes: number },
  check: (bytes: number) => void = () => undefined,
): Promise<string> {
  const hash = createHash("sha256");
  const out = await open(dest, "wx");
  try {
    for await (const chunk of chunks) {
      progress.bytes += chunk.length;
      check(progress.bytes);
      hash.update(chunk);
      await out.write(chunk);
    }
  } finally {
    await out.close();
  }
  return hash.digest("hex");
}

function describe(error: unknown): string {
  const e = error as Error & { cause?: { message?: string } };
  return e.cause?.message ? `${e.message}: ${e.cause.message}` : e.message;
}

interface DownloadJob {
  name: string;
  file: string;
  url: string;
  bytes: number | undefined;
  mirrorDir: string | undefined;
  fetchImpl: typeof fetch;
  timeoutMs: number;
}

/** Streams `job.url` into `temp`, hashing as it goes; refuses more (or fewer) bytes than the manifest says. */
async function download(job: DownloadJob, temp: string): Promise<string> {
  const seconds = `${job.timeoutMs / 1000} s`;
  const fix = job.mirrorDir
    ? `the mirror ${job.mirrorDir} has no ${job.file} either; put the file there or check the network, then run \`spatial models pull ${job.name}\` again`
    : `check the network, or install from a directory that holds the file with \`spatial models pull --mirror DIR ${job.name}\``;
  const fail = (reason: string, cause?: unknown) => new ModelDownloadError(job.name, job.file, job.url, reason, fix, { cause });
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, job.timeoutMs);
  };
  const progress = { bytes: 0 };
  arm();
  try {
    let response: Response;
    try {
      response = await job.fetchImpl(job.url, { signal: controller.signal });
    } catch (error) {
      throw fail(timedOut ? `no answer within ${seconds}` : describe(error), error);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw fail(response.ok ? "the answer had no body" : `the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
    }
    const declared = response.headers.get("content-length");
    if (job.bytes !== undefined && declared !== null && !response.headers.get("content-encoding") && Number(declared) !== job.bytes) {
      await response.body.cancel().catch(() => undefined);
      throw fail(`the server offers ${declared} bytes but the manifest expects ${job.bytes}`);
    }
    let sha256: string;
    try {
      sha256 = await writeHashing(response.body, temp, progress, (n) => {
        arm();
        if (job.bytes !== undefined && n > job.bytes) throw fail(`the server sent more than the ${job.bytes} bytes the manifest expects`);
      });
    } catch (error) {
      if (error instanceof ModelDownloadError) throw error;
      throw fail(timedOut ? `no data for ${seconds} after ${progress.bytes} bytes` : `the transfer broke off after ${progress.bytes} bytes (${describe(error)})`, error);
    }
    if (job.bytes !== undefined && progress.bytes !== job.bytes) throw fail(`the transfer ended after ${progress.bytes} of ${job.bytes} bytes`);
    return sha256;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Installs every file of `entry` that is not already installed and verified (all of them with
 * `force`): from `mirrorDir` when it holds the file, else from the file's URL. Nothing reaches the
 * model directory unless its sha256 matches the manifest.
 * @example await pullModel(findModel(manifest, "yolox-nano-coco"), { mirrorDir: defaultMirror() });
 */
export async function pullModel(entry: ModelEntry, options: PullModelOptions = {}): Promise<PulledFile[]> {
  const dir = resolve(options.modelDir ?? modelDir());
  const mirrorDir = options.mirrorDir === undefined ? undefined : resolve(options.mirrorDir);
  if (mirrorDir !== undefined && !isDirectory(mirrorDir)) {
    throw new ModelStoreError("model_mirror_missing", `the model mirror ${mirrorDir} is not a directory; point the mirror at the directory that holds the model files.`);
  }
  await mkdir(dir, { recursive: true });
  const pulled: PulledFile[] = [];
  for (const f of Object.values(entry.files)) {
    const target = join(dir, f.file);
    if (!options.force && (await installedSha256(dir, f.file))?.sha256 === f.sha256) {
      pulled.push({ name: entry.name, file: f.file, source: "present", bytes: (await stat(target)).size, path: target });
      continue;
    }
    const temp = join(dir, `.${f.file}.${process.pid}.${randomBytes(4).toString("hex")}.partial`);
    try {
      const mirrored = mirrorDir === undefined ? undefined : join(mirrorDir, f.file);
      const fromMirror = mirrored !== undefined && (await stat(mirrored).then((s) => s.isFile(), () => false));
      let actual: string;
      if (fromMirror) {
        // Refuse a wrong mirror copy before writing anything, then hash the copy itself too.
        actual = await sha256File(mirrored);
        if (actual === f.sha256) actual = await writeHashing(createReadStream(mirrored), temp, { bytes: 0 });
      } else {
        actual = await download(
          { name: entry.name, file: f.file, url: f.url, bytes: f.bytes, mirrorDir, fetchImpl: options.fetchImpl ?? fetch, timeoutMs: options.timeoutMs ?? 30_000 },
          temp,
        );
      }
      if (actual !== f.sha256) {
        const message = fromMirror
          ? `model "${entry.name}" file ${f.file} in the mirror (${mirrored}) has sha256 ${actual}, but the manifest expects ${f.sha256}; replace it with the file from ${f.url}, or remove it to download from upstream, then run \`spatial models pull ${entry.name}\` again.`
          : `model "${entry.name}" file ${f.file} downloaded from ${f.url} has sha256 ${actual}, but the manifest expects ${f.sha256}; try again later, and if it persists correct the entry's url or sha256 in its manifest.`;
        throw new ModelHashMismatchError(message, f.sha256, actual, fromMirror ? mirrored : f.url);
      }
      await rename(temp, target);
      const info = await stat(target);
      await recordVerdict(dir, f.file, info, actual);
      pulled.push({ name: entry.name, file: f.file, source: fromMirror ? "mirror" : "upstream", bytes: info.size, path: target });
    } finally {
      await rm(temp, { force: true });
    }
  }
  return pulled;
}
