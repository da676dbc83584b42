// `spatial synth --local`: the data engine on this machine. Perception runs in a pool of worker
// threads (the runner's WorkerPipelinePool, one set of models per thread); each finished image is
// logged in the resume state before the next is counted, so Ctrl-C or a kill loses at most the
// images in flight. When every image is perceived (or failed, with its code), QA pairs are
// synthesized from the stored graphs and the dataset files are written into --out.
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { loadObjectsFile, WorkerPipelinePool, type DeviceName, type PerceiveRequest } from "@spatial/gpu-runner";
import { synthesizeItem, writeDataset, type DatasetFormat, type DatasetItem, type ItemOutcome, type SynthesisOptions } from "@spatial/shared/dataset";
import type { SynthInput, InputProblem } from "./inputs.js";
import { SynthProgress } from "./progress.js";
import { SynthState } from "./state.js";

export interface LocalSynthOptions {
  input: string;
  outDir: string;
  formats: DatasetFormat[];
  synthesis: SynthesisOptions;
  workers: number;
  device: DeviceName;
  modelDir?: string;
  /** Bytes an image URL may send (default 25 MiB). */
  maxDownloadBytes?: number;
}

export interface LocalSynthResult {
  images: number;
  inDataset: number;
  skipped: number;
  failed: number;
  qaPairs: number;
  perceivedThisRun: number;
  files: string[];
}

const codeOf = (e: unknown): string => {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && /^[a-z][a-z0-9_]*$/.test(code) ? code : /perception thread (failed|exited)/.test(String((e as Error)?.message)) ? "runner_lost" : "perception_failed";
};

async function download(url: string, maxBytes: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw Object.assign(new Error(`${url} is unreachable: ${(e as Error).message}`), { code: "image_unreachable" });
  }
  if (!response.ok) throw Object.assign(new Error(`${url} answered HTTP ${response.status}`), { code: "image_unreachable" });
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw Object.assign(new Error(`${url} is ${declared} bytes, over the ${maxBytes}-byte limit`), { code: "image_file_too_large" });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxBytes) throw Object.assign(new Error(`${url} sent over ${maxBytes} bytes`), { code: "image_file_too_large" });
  return bytes;
}

async function request(item: SynthInput, maxBytes: number): Promise<PerceiveRequest> {
  return {
    image: /^https?:\/\//i.test(item.source) ? await download(item.source, maxBytes) : item.source,
    ...(item.depth ? { depth: { input: item.depth.path, unitsPerMetre: item.depth.unitsPerMetre } } : {}),
    ...(item.intrinsics ? { intrinsics: item.intrinsics } : {}),
    ...(item.objects ? { objects: (size: { width: number; height: number }) => loadObjectsFile(item.objects!, size) } : {}),
  };
}

/** Writes each file next to a temporary twin and renames it, so a kill never leaves half a file. */
async function writeFiles(outDir: string, files: Map<string, Uint8Array>): Promise<void> {
  // Shards of an earlier run with a different count would be loaded alongside the new ones.
  const data = join(outDir, "data");
  for (const name of await readdir(data).catch(() => [] as string[])) {
    if (/^train-\d+-of-\d+\.parquet$/.test(name) && !files.has(`data/${name}`)) await rm(join(data, name));
  }
  for (const [path, bytes] of files) {
    const target = join(outDir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.tmp`, bytes);
    await rename(`${target}.tmp`, target);
  }
}

export async function runLocalSynth(items: SynthInput[], problems: InputProblem[], options: LocalSynthOptions): Promise<LocalSynthResult> {
  const state = await SynthState.open(options.outDir, options.input);
  const wantPoints = options.formats.includes("pointclouds");
  // Failed images are tried again (a URL may be back); a finished one only when point clouds are
  // now wanted and its earlier run did not keep them.
  const finished = (i: SynthInput) => { const r = state.records.get(i.id); return r?.status === "done" && (r.points || !wantPoints); };
  const todo = items.filter((i) => !finished(i));
  const counts = { done: items.length - todo.length, failed: 0, total: items.length };
  const progress = new SynthProgress(counts);
  const pool = new WorkerPipelinePool({ device: options.device, ...(options.modelDir ? { modelDir: options.modelDir } : {}) }, options.workers);
  const onInterrupt = () => {
    progress.stop();
    process.stderr.write(`spatial: interrupted with ${counts.done + counts.failed} of ${counts.total} images perceived; rerun with the same --out to resume\n`);
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  process.once("SIGTERM", onInterrupt);
  let next = 0;
  let perceived = 0;
  try {
    const worker = async () => {
      while (next < todo.length) {
        const item = todo[next++];
        try {
          const result = await pool.perceive(await request(item, options.maxDownloadBytes ?? 25 << 20));
          await state.done(item.id, item.ref, result.graph, wantPoints ? result.pointsWorld : undefined);
          counts.done++;
        } catch (e) {
          await state.failed(item.id, item.ref, codeOf(e), (e as Error)?.message?.split("\n")[0] ?? String(e));
          counts.failed++;
        }
        perceived++;
        progress.update();
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.workers, Math.max(1, todo.length)) }, worker));
    progress.update(true);
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
    progress.stop();
    await pool.dispose();
  }

  const datasetItems: DatasetItem[] = [];
  const failures: ItemOutcome[] = problems.map((p) => ({ id: `manifest-line-${p.line}`, code: "manifest_invalid", message: `line ${p.line}: ${p.message}` }));
  for (const item of items) {
    const record = state.records.get(item.id)!;
    if (record.status === "failed") { failures.push({ id: item.id, code: record.code, message: record.message }); continue; }
    const pointClouds = wantPoints && record.points ? await state.points(item.id, record.graph) : undefined;
    datasetItems.push({ id: item.id, image: item.ref, graph: record.graph, ...(pointClouds ? { pointClouds } : {}), ...synthesizeItem(record.graph, options.synthesis, item.id) });
  }
  const files = writeDataset(datasetItems, { formats: options.formats, failures });
  await writeFiles(options.outDir, files);
  const skipped = datasetItems.filter((i) => i.skipped).length;
  return {
    images: items.length,
    inDataset: datasetItems.length - skipped,
    skipped,
    failed: failures.length - problems.length,
    qaPairs: datasetItems.reduce((n, i) => n + (i.skipped ? 0 : i.qa.length), 0),
    perceivedThisRun: perceived,
    files: [...files.keys()],
  };
}
