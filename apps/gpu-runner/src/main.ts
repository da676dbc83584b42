// The runner process: `tsx apps/gpu-runner/src/main.ts --edge http://127.0.0.1:8787 --token T
// [--pool default] [--concurrency 1] [--device cpu] [--runner-id ID]` (see runner/args.ts).
// Logs one line per connection change and per job to stderr. SIGINT / SIGTERM: running jobs get
// --grace-ms to finish, the rest are abandoned (the edge re-leases them), exit 0; a second signal
// stops at once. Exit 2: a bad flag; 1: the edge refused the token, or the runner could not start.
import { RUNNER_USAGE, RunnerUsageError, parseRunnerArgs } from "./runner/args.js";
import { defaultRunnerId, startRunner, type Runner } from "./runner/runner.js";

const log = (line: string) => process.stderr.write(`spatial-runner: ${line}\n`);

async function main(): Promise<number> {
  let options;
  try {
    options = parseRunnerArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof RunnerUsageError)) throw error;
    log(error.message);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${RUNNER_USAGE}\n`);
    return 0;
  }

  let runner: Runner;
  try {
    runner = await startRunner({
      edgeUrl: options.edgeUrl,
      token: options.token,
      pool: options.pool,
      concurrency: options.concurrency,
      device: options.device,
      runnerId: options.runnerId ?? defaultRunnerId(),
      ...(options.modelDir ? { modelDir: options.modelDir } : {}),
      answerBackends: options.answerBackends,
      log,
    });
  } catch (error) {
    log(`cannot start: ${(error as Error).message.split("\n")[0]}`);
    return 1;
  }

  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        const held = runner.jobs.activeJobs().length;
        log(`${signal}: stopping${held ? ` (${held} job${held === 1 ? "" : "s"} held; up to ${options.graceMs} ms to finish)` : ""}`);
        void runner.stop({ graceMs: options.graceMs }).then(() => resolve(0));
      } else {
        log(`${signal} again: abandoning jobs now`);
        void runner.stop({ graceMs: 0 });
      }
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    runner.connection.done.catch(() => void runner.stop().then(() => resolve(1)));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`fatal: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    process.exit(1);
  },
);
