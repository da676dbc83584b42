import { defineConfig } from "vitest/config";

// One `vitest run` for the whole repo. The JSON report is what .ci/run counts from:
// CI does not read vitest's own summary line.
export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "test/**/*.test.ts"],
    reporters: ["default", ["json", { outputFile: ".reports/vitest.json" }]],
    testTimeout: 30_000,
  },
});
