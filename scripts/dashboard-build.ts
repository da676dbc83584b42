// Builds the dashboard (apps/dashboard → dist/, the worker's static assets) when dist/ is missing
// or older than its sources or the SDK's. Used by `npm start`, the browser tests and the bench;
// `npm install` always builds it (postinstall). Only when stale: running workers (and the edge
// test pool) read dist/ while they run, and a build empties it first.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// Not from local-edge.ts: that loads wrangler, seconds of startup for a freshness check.
const REPO_ROOT = resolve(import.meta.dirname, "..");
export const DASHBOARD_DIST = join(REPO_ROOT, "apps/dashboard/dist");

/** Newest modification time under `dir` (ms), skipping node_modules and dist. */
function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when it had to build. */
export async function ensureDashboardBuilt(): Promise<boolean> {
  const index = join(DASHBOARD_DIST, "index.html");
  const sources = Math.max(newestMtimeMs(join(REPO_ROOT, "apps/dashboard")), newestMtimeMs(join(REPO_ROOT, "packages/sdk/src")));
  // The /docs page's script (copied in by the build) counts too: a dist/ from before it lacks it.
  if (existsSync(index) && existsSync(join(DASHBOARD_DIST, "docs/api-reference.js")) && statSync(index).mtimeMs >= sources) return false;
  const { build } = await import("vite");
  await build({ configFile: join(REPO_ROOT, "apps/dashboard/vite.config.ts"), logLevel: "error" });
  return true;
}

// `tsx scripts/dashboard-build.ts` (npm's pretest): the edge test pool reads wrangler.toml's
// [assets] directory, which must exist before vitest starts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (await ensureDashboardBuilt()) console.log("built the dashboard (apps/dashboard/dist)");
}
