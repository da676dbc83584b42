// The dashboard's real surroundings for the browser tests and the dashboard bench: the dashboard
// built with Vite, the worker under unstable_dev (its static assets included), a real runner
// process, an API key, and Debian's Chromium driven by playwright-core.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Unstable_DevWorker } from "wrangler";
import { ensureDashboardBuilt } from "../scripts/dashboard-build.js";
import { createApiKey, REPO_ROOT, startLocalWorker, wranglerVar } from "../scripts/local-edge.js";

export const CHROMIUM = process.env.SPATIAL_CHROMIUM ?? "/usr/bin/chromium";
export const REPORTS = join(REPO_ROOT, ".reports");
export const NYU = join(REPO_ROOT, "../shared/fixtures/rgbd/nyu_00000");

export interface DashboardStack {
  base: string;
  apiKey: string;
  browser: Browser;
  page: Page;
  stop(): Promise<void>;
}

/** Fails (never skips) when there is no browser, naming the command that installs one. */
export function requireChromium(path = CHROMIUM): void {
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: the dashboard's browser tests need it; install it with \`apt-get update && apt-get install -y chromium\` (or set SPATIAL_CHROMIUM to a Chromium binary)`);
  }
}

function startRunner(base: string): ChildProcess {
  // Own process group: tsx runs the runner in a child process, and stop() must reach it too.
  return spawn(join(REPO_ROOT, "node_modules/.bin/tsx"), [join(REPO_ROOT, "apps/gpu-runner/src/main.ts"), "--edge", base, "--token", wranglerVar("RUNNER_TOKEN"), "--runner-id", "dashboard-runner"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"], detached: true });
}

/** `vars`: the worker's extra settings (e.g. a VLM backend's VLM_BASE_URL). */
export async function startDashboardStack(options: { vars?: Record<string, string> } = {}): Promise<DashboardStack> {
  requireChromium();
  if (!existsSync(NYU)) throw new Error(`the dashboard tests need ../shared/fixtures/rgbd/nyu_00000 (looked in ${NYU})`);
  mkdirSync(REPORTS, { recursive: true });
  await ensureDashboardBuilt();
  let worker: Unstable_DevWorker | undefined;
  let runner: ChildProcess | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    if (runner?.pid && runner.exitCode === null) {
      const exited = new Promise((ok) => runner!.once("exit", ok));
      try { process.kill(-runner.pid, "SIGKILL"); } catch { /* already gone */ }
      await exited;
    }
    await worker?.stop();
  };
  try {
    const started = await startLocalWorker(mkdtempSync(join(tmpdir(), "spatial-dashboard-")), options.vars);
    worker = started.worker;
    runner = startRunner(started.base);
    const apiKey = await createApiKey(started.base, "dashboard");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader"] });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    return { base: started.base, apiKey, browser, page, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Non-background pixels of the 3D canvas (read back from its drawing buffer after a fresh render)
 * and a cheap fingerprint of where they are. Runs in the page (a string: this file has no DOM types).
 */
export async function sceneCanvasPixels(page: Page): Promise<{ lit: number; total: number; fingerprint: number }> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector("canvas.scene3d");
    window.spatialScene.renderNow();
    const copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext("2d");
    ctx.drawImage(canvas, 0, 0);
    const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let lit = 0, fingerprint = 0;
    for (let i = 0; i < data.length; i += 4) {
      // The scene's background is #111827.
      if (Math.abs(data[i] - 0x11) + Math.abs(data[i + 1] - 0x18) + Math.abs(data[i + 2] - 0x27) > 24) {
        lit++;
        fingerprint = (fingerprint * 31 + (i >> 2)) >>> 0;
      }
    }
    return { lit, total: data.length / 4, fingerprint };
  })()`);
}

/** Resolves when the page's `canvas.<cls>` carries data-<key> > 0 (boxes drawn, points shown). */
export async function waitForCanvasCount(page: Page, cls: "photo" | "scene3d", key: "boxes" | "points" | "populated", timeoutMs: number): Promise<void> {
  const selector = cls === "photo" ? ".image-view canvas.photo" : "canvas.scene3d";
  await page.waitForFunction(`Number(document.querySelector("${selector}")?.dataset.${key}) > 0`, null, { timeout: timeoutMs });
}

/**
 * Watches a page for what no state of it may come from: uncaught errors and unhandled rejections,
 * and any request that would leave the machine (refused, so the page is tested offline, and
 * recorded). A test asserts both lists empty after each case.
 */
export async function guardPage(page: Page, base: string): Promise<{ pageErrors: string[]; foreignRequests: string[] }> {
  const pageErrors: string[] = [], foreignRequests: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || /^(data|blob):/.test(url)) return route.continue();
    foreignRequests.push(url);
    return route.abort("internetdisconnected");
  });
  return { pageErrors, foreignRequests };
}

/** Fills the job form: an image (+ depth and intrinsics) and questions, then presses Run. */
export async function submitJob(page: Page, job: { image: string; depth?: string; intrinsics?: string; questions: string[] }): Promise<void> {
  await page.getByLabel("Image (drop it here or pick one)").setInputFiles(job.image);
  if (job.depth) await page.getByLabel("Depth map (optional, 16-bit PNG)").setInputFiles(job.depth);
  await page.getByLabel("Intrinsics fx, fy, cx, cy (optional, px)").fill(job.intrinsics ?? "");
  await page.getByLabel("Questions (one per line)").fill(job.questions.join("\n"));
  await page.getByRole("button", { name: "Run" }).click();
}
