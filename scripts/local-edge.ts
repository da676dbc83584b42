// The local edge for `npm start`, the service tests and the service bench: wrangler.toml's local
// development [vars], D1 migrations applied to a state directory, the worker under wrangler's
// unstable_dev, and API keys made with the admin token. One copy, so all three run the same setup.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
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

/** Migrations applied, then the real worker in workerd on a free loopback port (`vars` override wrangler.toml's). */
export async function startLocalWorker(stateDir: string, vars: Record<string, string> = {}): Promise<{ worker: Unstable_DevWorker; base: string }> {
  applyLocalMigrations(stateDir);
  const worker = await unstable_dev(join(REPO_ROOT, "apps/edge/src/index.ts"), { config: join(REPO_ROOT, "wrangler.toml"), persistTo: stateDir, ip: "127.0.0.1", vars, experimental: { disableExperimentalWarning: true }, logLevel: "none" });
  return { worker, base: `http://${worker.address}:${worker.port}` };
}

/** A new API key for `tenant` (POST /v1/keys with the local admin token); extra fields go in the body. */
export async function createApiKey(base: string, tenant: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${base}/v1/keys`, { method: "POST", headers: { authorization: `Bearer ${wranglerVar("ADMIN_TOKEN")}`, "content-type": "application/json" }, body: JSON.stringify({ tenant, ...extra }) });
  if (response.status !== 201) throw new Error(`could not create an API key: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}

/** A free loopback TCP port. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => ok(port));
    });
  });
}

export interface WranglerDev {
  child: ChildProcess;
  base: string;
}

/**
 * `wrangler dev` as its own process group (so a test can SIGKILL it like a crash), on a fixed port
 * with its state in `stateDir`, extra `vars` overriding wrangler.toml's; resolves once /v1/health answers.
 */
export async function startWranglerDev(stateDir: string, port: number, vars: Record<string, string> = {}, timeoutMs = 60_000): Promise<WranglerDev> {
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", stateDir, "--show-interactive-dev-session=false", ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
  const child = spawn(WRANGLER, args, { cwd: REPO_ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" }, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${base}/v1/health`)).ok) return { child, base };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  killGroup(child, "SIGKILL");
  throw new Error(`wrangler dev did not answer ${base}/v1/health within ${timeoutMs / 1000} s: ${stderr}`);
}

/** Signals a detached child's whole process group (wrangler dev runs workerd as its child). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once("exit", () => ok());
    try {
      process.kill(-child.pid!, signal);
    } catch {
      ok();
    }
  });
}
