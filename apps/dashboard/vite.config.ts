// The dashboard's build: static files in dist/ that the edge worker serves as Workers Static Assets
// (wrangler.toml [assets]). Everything is bundled: no CDN, the page works offline. The build also
// copies Scalar's standalone API reference bundle to dist/docs/api-reference.js, which the worker's
// /docs page loads (apps/edge/src/routes/openapi.ts, DOCS_SCRIPT_PATH) instead of a CDN's copy.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

/** Kept in step with DOCS_SCRIPT_PATH in apps/edge/src/routes/openapi.ts (without the leading slash). */
const DOCS_SCRIPT = "docs/api-reference.js";

function scalarStandalone(): Plugin {
  return {
    name: "scalar-standalone",
    apply: "build",
    generateBundle() {
      // The package's main entry is dist/index.js; the UMD bundle (window.Scalar) sits beside it.
      const entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
      this.emitFile({ type: "asset", fileName: DOCS_SCRIPT, source: readFileSync(join(dirname(entry), "browser/standalone.js")) });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // Preact's automatic JSX runtime (no React).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  plugins: [scalarStandalone()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  logLevel: "warn",
});
