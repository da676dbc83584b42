// `spatial synth <dir | file-of-urls | manifest.jsonl> --out <dir>`: option checks, the input
// problems on stderr (one line each, with its line number), then the local engine (--local) or a
// batch on the service (server.ts: SPATIAL_API_URL or --server, with SPATIAL_API_KEY).
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseDevice } from "@spatial/gpu-runner";
import { DatasetFormat, SynthesisOptions } from "@spatial/shared/dataset";
import { UsageError } from "../args.js";
import { readInputs } from "./inputs.js";
import { runLocalSynth } from "./local.js";
import { runServerSynth } from "./server.js";

export interface SynthCliOptions {
  out: string;
  formats: string;
  perFamily?: string;
  seed: string;
  local?: boolean;
  server?: string;
  workers?: string;
  webhook?: string;
  device: string;
  modelDir?: string;
  json?: boolean;
}

export const DEFAULT_FORMATS = "jsonl,llava,sharegpt,parquet";

function parseFormats(text: string): DatasetFormat[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !DatasetFormat.safeParse(n).success);
  if (names.length === 0 || bad.length) throw new UsageError(`--formats takes a comma-separated list of ${DatasetFormat.options.join(", ")}; got "${text}"`);
  return [...new Set(names)] as DatasetFormat[];
}

function parseInteger(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new UsageError(`${name} needs an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

export async function runSynth(input: string, options: SynthCliOptions): Promise<void> {
  const formats = parseFormats(options.formats);
  const synthesis = SynthesisOptions.parse({
    seed: parseInteger("--seed", options.seed, 0, 2 ** 31 - 1),
    ...(options.perFamily !== undefined ? { perFamily: parseInteger("--per-family", options.perFamily, 1, 100) } : {}),
  });
  const workers = options.workers !== undefined ? parseInteger("--workers", options.workers, 1, 64) : Math.min(availableParallelism(), 4);
  const device = parseDevice(options.device);
  const server = options.local ? undefined : options.server ?? process.env.SPATIAL_API_URL;
  const apiKey = process.env.SPATIAL_API_KEY;
  if (!options.local) {
    if (!server) throw new UsageError("server mode needs SPATIAL_API_URL (or --server URL): pass --local to synthesize on this machine");
    if (!apiKey) throw new UsageError("SPATIAL_API_KEY is not set: the server needs an API key (or pass --local)");
  } else if (options.webhook) {
    throw new UsageError("--webhook needs the server (batches send webhooks); drop --local");
  }
  const outDir = resolve(options.out);
  const { items, problems } = await readInputs(input, outDir);
  for (const p of problems) process.stderr.write(`spatial: ${input}${p.line ? ` line ${p.line}` : ""}: ${p.message}\n`);
  if (items.length === 0) throw new UsageError(`no images to synthesize from ${input}${problems.length ? ` (${problems.length} bad lines)` : ""}`);
  if (server && apiKey) {
    const result = await runServerSynth(items, problems, { server, apiKey, outDir, formats, synthesis, ...(options.webhook ? { webhook: options.webhook } : {}) });
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${result.qaPairs} QA pairs from ${result.inDataset} of ${result.images} images (${result.skipped} skipped, ${result.failed} failed) in batch ${result.batch}, written to ${options.out}\n`);
    return;
  }
  const result = await runLocalSynth(items, problems, { input: resolve(input), outDir, formats, synthesis, workers, device, ...(options.modelDir ? { modelDir: options.modelDir } : {}) });
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${result.qaPairs} QA pairs from ${result.inDataset} of ${result.images} images (${result.skipped} skipped, ${result.failed} failed${problems.length ? `, ${problems.length} bad input lines` : ""}) written to ${options.out}\n`);
}
