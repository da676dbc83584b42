// The local edge for `npm start`, the service tests and the service bench: wrangler.toml's local
// development [vars], D1 migrations applied to a state directory, the worker under wrangler's
// unstable_dev, and API keys made with the admin token. One copy, so all three run the same setup.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { unstable_dev, type Unstable_DevWorker } from "wrangler";

export const REPO_ROOT = resolve(import.meta.dirname, "..");
export const WRANGLER = join(REPO_ROOT, "node_modules/.bin/wrangler");

/** A [vars] value of wrangler.toml (the local development defaults, e.g. ADMIN_TOKEN). */
export function wranglerVar(name: string): string {
  const toml = readFileSync(join(REPO_ROOT, "wrangler.toml"), "utf8");
  const m = toml.match(new RegExp(`^\\s*${name}\\s*=\\s*"([^"]*)"`, "m"));
  if (!m) throw new Error(`wrangler.toml has no ${name} in [vars]`);
  return m[1];
}

/** Applies the D1 migrations to a local state directory; throws with wrangler's stderr on failure. */
export function applyLocalMigrations(stateDir: string): void {
  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } });
  if (migrate.status !== 0) throw new Error(`D1 migrations failed: ${migrate.stderr}`);
}

/** Migrations applied, then the real worker in workerd on a free loopback port. */
export async function startLocalWorker(stateDir: string): Promise<{ worker: Unstable_DevWorker; base: string }> {
  applyLocalMigrations(stateDir);
  const worker = await unstable_dev(join(REPO_ROOT, "apps/edge/src/index.ts"), { config: join(REPO_ROOT, "wrangler.toml"), persistTo: stateDir, ip: "127.0.0.1", experimental: { disableExperimentalWarning: true }, logLevel: "none" });
  return { worker, base: `http://${worker.address}:${worker.port}` };
}

/** A new API key for `tenant` (POST /v1/keys with the local admin token); extra fields go in the body. */
export async function createApiKey(base: string, tenant: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${base}/v1/keys`, { method: "POST", headers: { authorization: `Bearer ${wranglerVar("ADMIN_TOKEN")}`, "content-type": "application/json" }, body: JSON.stringify({ tenant, ...extra }) });
  if (response.status !== 201) throw new Error(`could not create an API key: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}
