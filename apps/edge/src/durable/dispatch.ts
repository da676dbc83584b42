// Which connected runner gets a job: among runners that said hello with the job's pipeline version
// and have a free slot (active leases < concurrency), the least loaded by active/concurrency, then
// the one with fewer active leases, then the longest connected. Pure.
import type { JobSpec, RunnerCapabilities } from "@spatial/shared/protocol";

export interface RunnerSlot {
  socketId: string;
  runnerId: string;
  capabilities: RunnerCapabilities;
  active: number;
  connectedAt: number;
}

export const canRun = (r: RunnerSlot, spec: Pick<JobSpec, "pipelineVersion">) => r.capabilities.pipelineVersion === spec.pipelineVersion;

export function pickRunner(runners: readonly RunnerSlot[], spec: Pick<JobSpec, "pipelineVersion">): RunnerSlot | null {
  let best: RunnerSlot | null = null;
  for (const r of runners) {
    if (!canRun(r, spec) || r.active >= r.capabilities.concurrency) continue;
    if (!best) {
      best = r;
      continue;
    }
    const load = r.active / r.capabilities.concurrency - best.active / best.capabilities.concurrency;
    if (load < 0 || (load === 0 && (r.active < best.active || (r.active === best.active && r.connectedAt < best.connectedAt)))) best = r;
  }
  return best;
}
