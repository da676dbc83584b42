// The runner's command line: flags, with SPATIAL_EDGE_URL / SPATIAL_RUNNER_TOKEN as fallbacks.
// Every problem is a RunnerUsageError with one line that says what to fix (main.ts exits 2).
// The optional answer backends (an LLM planner, a VLM) are configured per deployment here; API
// keys come only from the environment, so they never show in a process listing.
import { parseArgs } from "node:util";
import type { AnswerBackends } from "@spatial/shared/reasoning";
import { parseDevice, type DeviceName } from "../runtime/onnx.js";

export class RunnerUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunnerUsageError";
  }
}

export interface RunnerCliOptions {
  edgeUrl: string;
  token: string;
  pool: string;
  concurrency: number;
  device: DeviceName;
  runnerId?: string;
  modelDir?: string;
  /** How long running jobs may finish after SIGINT / SIGTERM before they are abandoned. */
  graceMs: number;
  /** The planner and VLM for questions the query language cannot express; empty: none (no network). */
  answerBackends: AnswerBackends;
  help: boolean;
}

export const RUNNER_USAGE = `usage: spatial-runner --edge URL --token TOKEN [--pool NAME] [--concurrency N] [--device cpu|cuda] [--runner-id ID] [--model-dir DIR] [--grace-ms MS]
       [--planner-url URL --planner-model NAME] [--vlm-url URL --vlm-model NAME]
  --edge         the edge's base URL, http(s)://host[:port] (or SPATIAL_EDGE_URL)
  --token        the runner token (or SPATIAL_RUNNER_TOKEN)
  --pool         the runner pool to join (default "default")
  --concurrency  jobs at once, 1-64 (default 1)
  --device       cpu or cuda (default cpu)
  --runner-id    a stable name for this runner (default <hostname>-<pid>)
  --model-dir    where models are installed (default SPATIAL_MODEL_DIR or <repo>/models)
  --grace-ms     on SIGINT/SIGTERM, how long running jobs may finish (default 10000; a second signal stops at once)
optional backends for questions the query language cannot express (OpenAI-compatible /chat/completions):
  --planner-url  an LLM planner's base URL, e.g. http://127.0.0.1:8000/v1 (or SPATIAL_PLANNER_URL); key: SPATIAL_PLANNER_API_KEY
  --planner-model  its model name (or SPATIAL_PLANNER_MODEL)
  --planner-timeout-ms  per call (default 20000)
  --vlm-url      a vision-language model's base URL, e.g. http://127.0.0.1:8000/v1 (or SPATIAL_VLM_URL); key: SPATIAL_VLM_API_KEY
  --vlm-model    its model name, e.g. SpaceQwen2.5-VL-3B-Instruct (or SPATIAL_VLM_MODEL)
  --vlm-timeout-ms  per call (default 60000)
  --vlm-max-tokens  longest reply (default 512)`;

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new RunnerUsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

export function parseRunnerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RunnerCliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        edge: { type: "string" },
        token: { type: "string" },
        pool: { type: "string", default: "default" },
        concurrency: { type: "string", default: "1" },
        device: { type: "string", default: "cpu" },
        "runner-id": { type: "string" },
        "model-dir": { type: "string" },
        "grace-ms": { type: "string", default: "10000" },
        "planner-url": { type: "string" },
        "planner-model": { type: "string" },
        "planner-timeout-ms": { type: "string", default: "20000" },
        "vlm-url": { type: "string" },
        "vlm-model": { type: "string" },
        "vlm-timeout-ms": { type: "string", default: "60000" },
        "vlm-max-tokens": { type: "string", default: "512" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new RunnerUsageError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  const str = (name: string) => values[name] as string | undefined;
  const help = values.help === true;
  const edgeUrl = (str("edge") ?? env.SPATIAL_EDGE_URL ?? "").trim();
  const token = (str("token") ?? env.SPATIAL_RUNNER_TOKEN ?? "").trim();
  if (!help) {
    if (!edgeUrl) throw new RunnerUsageError("no edge given: pass --edge http(s)://host[:port] or set SPATIAL_EDGE_URL");
    let parsed: URL;
    try {
      parsed = new URL(edgeUrl);
    } catch {
      throw new RunnerUsageError(`--edge must be an http(s) URL, got "${edgeUrl}"`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new RunnerUsageError(`--edge must be an http(s) URL, got "${edgeUrl}"`);
    if (!token) throw new RunnerUsageError("no runner token given: pass --token or set SPATIAL_RUNNER_TOKEN");
  }
  const pool = str("pool")!.trim();
  // The edge's rule for pool names (apps/edge PoolName): it refuses the upgrade for any other.
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(pool)) throw new RunnerUsageError(`--pool must be lower-case letters, digits and "-" (at most 63, not starting with "-"), got "${pool}"`);
  const runnerId = str("runner-id")?.trim();
  if (runnerId !== undefined && (runnerId.length < 1 || runnerId.length > 100)) throw new RunnerUsageError("--runner-id must be 1-100 characters");
  let device: DeviceName;
  try {
    device = parseDevice(str("device")!);
  } catch (error) {
    throw new RunnerUsageError(`--device: ${(error as Error).message}`);
  }
  return {
    edgeUrl,
    token,
    pool,
    concurrency: integer("--concurrency", str("concurrency")!, 1, 64),
    device,
    ...(runnerId ? { runnerId } : {}),
    ...(str("model-dir") ? { modelDir: str("model-dir")! } : {}),
    graceMs: integer("--grace-ms", str("grace-ms")!, 0, 3_600_000),
    answerBackends: answerBackendsOf(str, env),
    help,
  };
}

/** The http(s) base URL and model of one backend, both or neither (a URL without a model is a mistake, not "off"). */
function endpointOf(name: "planner" | "vlm", str: (name: string) => string | undefined, env: NodeJS.ProcessEnv): { baseUrl: string; model: string; apiKey?: string } | undefined {
  const ENV = name.toUpperCase();
  const baseUrl = (str(`${name}-url`) ?? env[`SPATIAL_${ENV}_URL`] ?? "").trim();
  const model = (str(`${name}-model`) ?? env[`SPATIAL_${ENV}_MODEL`] ?? "").trim();
  if (!baseUrl && !model) return undefined;
  if (!baseUrl) throw new RunnerUsageError(`--${name}-model needs --${name}-url (or SPATIAL_${ENV}_URL)`);
  if (!model) throw new RunnerUsageError(`--${name}-url needs --${name}-model (or SPATIAL_${ENV}_MODEL)`);
  let protocol = "";
  try {
    protocol = new URL(baseUrl).protocol;
  } catch {
    // reported below
  }
  if (protocol !== "http:" && protocol !== "https:") throw new RunnerUsageError(`--${name}-url must be an http(s) URL, got "${baseUrl}"`);
  const apiKey = env[`SPATIAL_${ENV}_API_KEY`]?.trim();
  return { baseUrl, model, ...(apiKey ? { apiKey } : {}) };
}

/**
 * The planner and VLM from flags (`str("vlm-url")` …) and the SPATIAL_PLANNER_* / SPATIAL_VLM_*
 * environment; the runner and `spatial ask --local` read them alike. Throws RunnerUsageError.
 */
export function answerBackendsOf(str: (name: string) => string | undefined, env: NodeJS.ProcessEnv): AnswerBackends {
  const planner = endpointOf("planner", str, env);
  const vlm = endpointOf("vlm", str, env);
  return {
    ...(planner ? { planner: { ...planner, timeoutMs: integer("--planner-timeout-ms", str("planner-timeout-ms") ?? "20000", 1, 600_000) } } : {}),
    ...(vlm ? { vlm: { ...vlm, timeoutMs: integer("--vlm-timeout-ms", str("vlm-timeout-ms") ?? "60000", 1, 600_000), maxTokens: integer("--vlm-max-tokens", str("vlm-max-tokens") ?? "512", 1, 8192) } } : {}),
  };
}
