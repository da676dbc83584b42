// The runner's command line: flags, with SPATIAL_EDGE_URL / SPATIAL_RUNNER_TOKEN as fallbacks.
// Every problem is a RunnerUsageError with one line that says what to fix (main.ts exits 2).
import { parseArgs } from "node:util";
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
  help: boolean;
}

export const RUNNER_USAGE = `usage: spatial-runner --edge URL --token TOKEN [--pool NAME] [--concurrency N] [--device cpu|cuda] [--runner-id ID] [--model-dir DIR] [--grace-ms MS]
  --edge         the edge's base URL, http(s)://host[:port] (or SPATIAL_EDGE_URL)
  --token        the runner token (or SPATIAL_RUNNER_TOKEN)
  --pool         the runner pool to join (default "default")
  --concurrency  jobs at once, 1-64 (default 1)
  --device       cpu or cuda (default cpu)
  --runner-id    a stable name for this runner (default <hostname>-<pid>)
  --model-dir    where models are installed (default SPATIAL_MODEL_DIR or <repo>/models)
  --grace-ms     on SIGINT/SIGTERM, how long running jobs may finish (default 10000; a second signal stops at once)`;

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
    help,
  };
}
