// packages/sdk must run in browsers: bundled for platform "browser", nothing it reaches may import a
// Node built-in (the CLI, which needs the runner's onnxruntime-node and sharp, lives in packages/cli).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleForBrowser } from "../packages/sdk/src/browser-bundle.js";

const ROOT = resolve(import.meta.dirname, "..");

describe("the SDK in a browser bundle", () => {
  it("reaches no Node built-in", async () => {
    const report = await bundleForBrowser(join(ROOT, "packages/sdk/src/index.ts"));
    expect(report.nodeImports).toEqual([]);
    expect(report.bytes).toBeGreaterThan(10_000);
  }, 60_000);

  it("names the file when a Node built-in sneaks in", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sdk-bundle-"));
    writeFileSync(join(dir, "leaky.ts"), `import { readFileSync } from "node:fs";\nimport "path";\nexport const read = (p: string) => readFileSync(p);\n`);
    const report = await bundleForBrowser(join(dir, "leaky.ts"));
    expect(report.nodeImports).toEqual([expect.stringMatching(/leaky\.ts → node:fs$/), expect.stringMatching(/leaky\.ts → path$/)]);
  }, 60_000);
});
