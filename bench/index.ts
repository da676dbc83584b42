// `npm run bench`: every benchmark, one after another (`-- --only=geometry|perception|real3d|service|reasoning|dashboard|hardening|batch|reward|colors` for one).
// Exit code: non-zero when a bench cannot run (e.g. ../shared is missing); with `--strict`, also
// when an agreement check against the reference implementation fails.
import { BenchSetupError, runGeometryBench } from "./geometry.js";
import { runBatchBench } from "./batch.js";
import { runBatchServiceBench } from "./batch-service.js";
import { runDashboardBench } from "./dashboard.js";
import { runHardeningBench } from "./hardening.js";
import { runPerceptionBench } from "./perception.js";
import { runReal3dBench } from "./real3d.js";
import { runReasoningBench } from "./reasoning.js";
import { runServiceBench } from "./service.js";
import { runRewardBench } from "./reward.js";
import { runColorsBench } from "./colors.js";

const strict = process.argv.includes("--strict");

try {
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
  const geometry = only && only !== "geometry" ? null : await runGeometryBench();
  if (!only || only === "perception") await runPerceptionBench();
  if (!only || only === "real3d") await runReal3dBench();
  if (!only || only === "service") await runServiceBench();
  if (!only || only === "reasoning") await runReasoningBench();
  if (!only || only === "dashboard") await runDashboardBench();
  if (!only || only === "hardening") await runHardeningBench();
  if (!only || only === "batch") {
    await runBatchBench();
    await runBatchServiceBench();
  }
  if (!only || only === "reward") await runRewardBench();
  if (!only || only === "colors") await runColorsBench();
  if (strict && geometry?.allPass === false) {
    console.error("bench: an agreement check failed (--strict)");
    process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof BenchSetupError) {
    console.error(`bench: ${error.message}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
