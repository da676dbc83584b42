// `npm run bench -- --only=dashboard`: the dashboard in Debian's Chromium against the local stack
// (unstable_dev worker with its static assets, one CPU runner), on a real RGB-D frame (NYU 00000):
// time from pressing Run ("drop") to the first detection box drawn, to the 3D view populated (points
// or 3D boxes drawn) and to the first answer; the dashboard's JavaScript gzipped; a follow-up answer's latency
// from the click to its text on the page; the /docs page's Scalar bundle apart. Cold runs use slightly different intrinsics so that none
// is a scene-cache hit; one cached run (the same inputs again) is reported apart.
// Writes .reports/bench-dashboard.json.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { DASHBOARD_DIST } from "../scripts/dashboard-build.js";
import { NYU, REPORTS, startDashboardStack, submitJob, waitForCanvasCount } from "../test/dashboard-harness.js";

const COLD_RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** ms from the page's "drop" mark to each milestone mark (set by the dashboard as it draws). */
async function milestones(page: Page): Promise<{ firstBoxMs: number; scenePopulatedMs: number; firstAnswerMs: number }> {
  await waitForCanvasCount(page, "photo", "boxes", 60_000);
  await waitForCanvasCount(page, "scene3d", "populated", 60_000);
  await page.locator(".answers .answer-text").first().waitFor({ timeout: 60_000 });
  return page.evaluate(`(() => {
    const at = (name) => performance.getEntriesByName(name)[0].startTime - performance.getEntriesByName("drop")[0].startTime;
    return { firstBoxMs: at("first-box"), scenePopulatedMs: at("scene-populated"), firstAnswerMs: at("first-answer") };
  })()`);
}

/** Clicks Ask (in the page, to time it there) and resolves when one more answer text is on the page. */
async function followUpMs(page: Page, question: string): Promise<number> {
  await page.getByLabel("Ask a follow-up question").fill(question);
  return page.evaluate(`new Promise((resolve) => {
    const list = document.querySelector(".answers ol");
    const before = list.querySelectorAll(".answer-text").length;
    const t0 = performance.now();
    new MutationObserver((_, observer) => {
      if (list.querySelectorAll(".answer-text").length > before) { observer.disconnect(); resolve(performance.now() - t0); }
    }).observe(list, { childList: true, subtree: true });
    [...document.querySelectorAll(".answers button[type=submit]")][0].click();
  })`);
}

export async function runDashboardBench(): Promise<void> {
  const stack = await startDashboardStack();
  try {
    const { page } = stack;
    await page.goto(`${stack.base}/#key=${stack.apiKey}`);
    await page.getByRole("heading", { name: "New job" }).waitFor();
    const job = (i: number) => ({ image: join(NYU, "rgb.jpg"), depth: join(NYU, "depth.png"), intrinsics: `${(518.8579 + i * 0.001).toFixed(4)}, 519.46961, 325.58245, 253.73617`, questions: ["Which object is closest to the camera?"] });
    const cold = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      await submitJob(page, job(i));
      cold.push(await milestones(page));
      await page.locator(".layout[data-status=completed]").waitFor({ timeout: 60_000 });
    }
    await submitJob(page, job(0));
    const cached = await milestones(page);
    await page.locator(".layout[data-status=completed]").waitFor({ timeout: 60_000 });
    const followUps = [];
    for (const q of ["Which object is the largest?", "How tall is the tallest object?", "Which object is closest to the camera?"]) followUps.push(await followUpMs(page, q));

    const js = readdirSync(join(DASHBOARD_DIST, "assets")).filter((f) => f.endsWith(".js"));
    const jsBytes = js.reduce((n, f) => n + readFileSync(join(DASHBOARD_DIST, "assets", f)).byteLength, 0);
    const jsGzipBytes = js.reduce((n, f) => n + gzipSync(readFileSync(join(DASHBOARD_DIST, "assets", f)), { level: 9 }).byteLength, 0);
    // Scalar's bundle for /docs ships beside the dashboard (dist/docs/) but only the docs page loads it.
    const docsScript = readFileSync(join(DASHBOARD_DIST, "docs/api-reference.js"));
    const docsJsGzipBytes = gzipSync(docsScript, { level: 9 }).byteLength;
    const report = {
      coldRuns: cold,
      firstBoxMs: median(cold.map((c) => c.firstBoxMs)),
      scenePopulatedMs: median(cold.map((c) => c.scenePopulatedMs)),
      firstAnswerMs: median(cold.map((c) => c.firstAnswerMs)),
      cached,
      followUpMs: median(followUps),
      followUpRunsMs: followUps,
      jsBytes,
      jsGzipBytes,
      docsJsBytes: docsScript.byteLength,
      docsJsGzipBytes,
    };
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log(`\ndashboard bench (Chromium + SwiftShader, wrangler's unstable_dev, one CPU runner; nyu_00000 with depth; medians of ${COLD_RUNS} cold runs)`);
    console.log(`drop → first box drawn     ${f(report.firstBoxMs)}   (cache hit: ${f(cached.firstBoxMs)})`);
    console.log(`drop → 3D view populated   ${f(report.scenePopulatedMs)}   (cache hit: ${f(cached.scenePopulatedMs)})`);
    console.log(`drop → first answer        ${f(report.firstAnswerMs)}   (cache hit: ${f(cached.firstAnswerMs)})`);
    console.log(`follow-up click → text     ${f(report.followUpMs)}   (answered at the edge)`);
    console.log(`dashboard JavaScript       ${(jsGzipBytes / 1024).toFixed(0)} KiB gzipped (${(jsBytes / 1024).toFixed(0)} KiB minified; jobs and batches pages)`);
    console.log(`/docs script (Scalar)      ${(docsJsGzipBytes / 1024).toFixed(0)} KiB gzipped (${(docsScript.byteLength / 1024).toFixed(0)} KiB), loaded by /docs only`);
    writeFileSync(join(REPORTS, "bench-dashboard.json"), JSON.stringify(report, null, 2));
  } finally {
    await stack.stop();
  }
}
