// `npm run bench`: every benchmark, one after another (for now the geometry one).
// Exit code: non-zero when a bench cannot run (e.g. ../shared is missing); with `--strict`, also
// when an agreement check against the reference implementation fails.
import { BenchSetupError, runGeometryBench } from "./geometry.js";

const strict = process.argv.includes("--strict");

try {
  const geometry = await runGeometryBench();
  if (strict && geometry.allPass === false) {
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
