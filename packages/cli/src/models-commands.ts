// `spatial models pull|list`: thin wrappers over the runner's model store.
import { formatList, formatPullResult, listCommand, pullCommand } from "@spatial/gpu-runner";

export async function runModelsPull(names: string[], options: { mirror?: string; force?: boolean; modelDir?: string }): Promise<void> {
  const result = await pullCommand(names, options);
  process.stdout.write(`${formatPullResult(result)}\n`);
}

export async function runModelsList(options: { json?: boolean; modelDir?: string }): Promise<void> {
  const rows = await listCommand(options);
  process.stdout.write(options.json ? `${JSON.stringify(rows)}\n` : `${formatList(rows)}\n`);
}
