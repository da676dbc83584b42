// The dashboard's build: static files in dist/ that the edge worker serves as Workers Static Assets
// (wrangler.toml [assets]). Everything is bundled: no CDN, the page works offline.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // Preact's automatic JSX runtime (no React).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  logLevel: "warn",
});
