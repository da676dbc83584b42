// `spatial models pull|list` and the postinstall script, as functions that return data, plus the
// lines a person reads. The CLI (packages/sdk) prints these and turns a thrown error's message into
// its one line on stderr.
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { formatBytes } from "../image/errors.js";
import type { ModelTask } from "./manifest.js";
import { findModel, loadManifest } from "./registry.js";
import { defaultMirror, modelDir, modelStatus, ModelStoreError, pullModel, type FileStatus, type PulledFile } from "./store.js";

export interface PullCommandOptions {
  /** `--mirror DIR`; default `defaultMirror()` (SPATIAL_MODEL_MIRROR, or ../shared/models beside the repo). */
  mirror?: string;
  /** `--force`: re-install files that are already installed and verified. */
  force?: boolean;
  /** Default `modelDir()`. */
  modelDir?: string;
  /** User manifests besides those in SPATIAL_MODEL_MANIFEST. */
  manifestPaths?: string[];
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** Called as each model is done, so a caller can print as it goes. */
  onModel?: (files: PulledFile[]) => void;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The mirror to use: `--mirror`, SPATIAL_MODEL_MIRROR, ../shared/models; a wrong one is named with its fix. */
function resolveMirror(explicit: string | undefined): string | undefined {
  if (explicit !== undefined) {
    if (!isDirectory(explicit)) throw new ModelStoreError("model_mirror_missing", `the mirror ${resolve(explicit)} given with --mirror is not a directory; pass the directory that holds the model files.`);
    return resolve(explicit);
  }
  const mirror = defaultMirror();
  if (mirror !== undefined && !isDirectory(mirror)) {
    throw new ModelStoreError("model_mirror_missing", `SPATIAL_MODEL_MIRROR=${mirror} is not a directory; set it to the directory that holds the model files, or unset it to download from upstream.`);
  }
  return mirror;
}

/**
 * Installs the named models (no names: every `default: true` model). Unknown names fail before
 * anything is downloaded.
 * @example formatPullResult(await pullCommand(["yolox-nano-coco"], { mirror: "/data/models" }))
 */
export async function pullCommand(names: string[], options: PullCommandOptions = {}): Promise<PulledFile[]> {
  const manifest = await loadManifest({ extraManifestPaths: options.manifestPaths ?? [] });
  const entries = names.length > 0 ? [...new Set(names)].map((n) => findModel(manifest, n)) : manifest.models.filter((m) => m.default);
  const mirrorDir = resolveMirror(options.mirror);
  const pulled: PulledFile[] = [];
  for (const entry of entries) {
    const files = await pullModel(entry, {
      modelDir: options.modelDir ?? modelDir(),
      ...(mirrorDir !== undefined ? { mirrorDir } : {}),
      force: options.force ?? false,
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    options.onModel?.(files);
    pulled.push(...files);
  }
  return pulled;
}

const HOW: Record<PulledFile["source"], string> = { present: "already installed at", mirror: "copied from the mirror to", upstream: "downloaded to" };

/** One line per model: `yolox-nano-coco: copied from the mirror to /repo/models/yolox_nano_coco.onnx (3.5 MiB), sha256 verified`. */
export function formatPullResult(rows: PulledFile[]): string {
  if (rows.length === 0) return "no models to pull: the manifest marks none as default; name the models to pull.";
  const byModel = new Map<string, PulledFile[]>();
  for (const r of rows) byModel.set(r.name, [...(byModel.get(r.name) ?? []), r]);
  return [...byModel]
    .map(([name, files]) => `${name}: ${files.map((f) => `${HOW[f.source]} ${f.path} (${formatBytes(f.bytes)})`).join("; ")}, sha256 verified`)
    .join("\n");
}

export interface ModelListRow {
  name: string;
  task: ModelTask;
  default: boolean;
  status: FileStatus;
  /** The installed (or would-be) path of the entry's "model" file. */
  path: string;
  description: string;
}

/** Every known model (built-in and the user's) with its install status. */
export async function listCommand(options: { modelDir?: string; manifestPaths?: string[] } = {}): Promise<ModelListRow[]> {
  const manifest = await loadManifest({ extraManifestPaths: options.manifestPaths ?? [] });
  const dir = options.modelDir ?? modelDir();
  return Promise.all(
    manifest.models.map(async (m): Promise<ModelListRow> => {
      const status = await modelStatus(m, { modelDir: dir });
      const path = status.files.find((f) => f.role === "model")!.path;
      return { name: m.name, task: m.task, default: m.default, status: status.status, path, description: m.description };
    }),
  );
}

/** A table of the rows, the model directory, and the command that installs what is missing. */
export function formatList(rows: ModelListRow[]): string {
  const table = [["NAME", "TASK", "DEFAULT", "STATUS", "DESCRIPTION"], ...rows.map((r) => [r.name, r.task, r.default ? "yes" : "no", r.status, r.description])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((cells) => cells[i]!.length)));
  const lines = table.map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  "));
  if (rows.length > 0) lines.push(`models directory: ${dirname(rows[0]!.path)}`);
  const notInstalled = rows.filter((r) => r.status !== "installed").map((r) => r.name);
  if (notInstalled.length > 0) lines.push(`to install the ${notInstalled.length === 1 ? "one" : "ones"} not installed, run \`spatial models pull ${notInstalled.join(" ")}\``);
  return lines.join("\n");
}
