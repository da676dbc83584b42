// Bundles an entry for the browser with esbuild and reports every import of a Node built-in
// (`fs`, `node:crypto`, …) with the file that made it, so a test can fail naming the culprit.
// Test-time tooling: lives in the SDK package but is not exported by it.
import { builtinModules } from "node:module";
import { build, type Plugin } from "esbuild";

export interface BrowserBundleReport {
  /** `importer → module` for each Node built-in reached from the entry. */
  nodeImports: string[];
  /** Minified size of the bundle, bytes. */
  bytes: number;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

export async function bundleForBrowser(entry: string): Promise<BrowserBundleReport> {
  const nodeImports: string[] = [];
  const detector: Plugin = {
    name: "node-builtins",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!BUILTINS.has(args.path) && !args.path.startsWith("node:")) return undefined;
        nodeImports.push(`${args.importer} → ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({ entryPoints: [entry], bundle: true, platform: "browser", format: "esm", minify: true, write: false, logLevel: "silent", plugins: [detector] });
  return { nodeImports, bytes: result.outputFiles.reduce((n, f) => n + f.contents.byteLength, 0) };
}
