import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";

// One `vitest run` for the whole repo, in two projects: "node" (everything that runs in Node) and
// "edge" (apps/edge inside workerd through @cloudflare/vitest-pool-workers, with the worker of
// wrangler.toml, its Durable Objects, D1 with the migrations applied and R2). The JSON report is
// what .ci/run counts from: CI does not read vitest's own summary line.
const migrations = fileURLToPath(new URL("./migrations", import.meta.url));

export default defineConfig({
  test: {
    reporters: ["default", ["json", { outputFile: ".reports/vitest.json" }]],
    testTimeout: 30_000,
    projects: [
      {
        test: {
          name: "node",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "apps/edge/**"],
          // Files of a worker share one module graph instead of a fresh process each: the 100-odd
          // files no longer each re-import onnxruntime, sharp, wrangler and the NLP model (the
          // suite drops from ~475 s to ~390 s on 2 cores). Tests restore what they stub
          // (vi.unstubAllEnvs) and keep their state in their own modules' scope.
          isolate: false,
          testTimeout: 30_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // Test-only bindings: the migrations for the setup file, and short runner timings.
              bindings: { TEST_MIGRATIONS: await readD1Migrations(migrations), HEARTBEAT_INTERVAL_MS: "1000", LEASE_TIMEOUT_MS: "3000", QUEUE_TIMEOUT_MS: "8000" },
            },
          })),
        ],
        test: {
          name: "edge",
          include: ["apps/edge/**/*.test.ts"],
          setupFiles: ["apps/edge/src/testing/apply-migrations.ts"],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
