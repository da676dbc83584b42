// The dashboard in a real browser (Debian's Chromium, WebGL through SwiftShader) against the real
// local stack: worker with its static assets, D1, R2, Durable Objects, and a runner process.
// One stack and one browser page for the whole file; screenshots of each state go to .reports/.
import { readFileSync, writeFileSync } from "node:fs";
import sharp from "sharp";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { completion, startChatServer, type TestChatServer } from "../packages/shared/src/reasoning/test-chat-server.js";
import { createClient } from "../packages/sdk/src/index.js";
import { blockPath, renderEpisode } from "../scripts/reward-frames.js";
import { guardPage, NYU, REPORTS, sceneCanvasPixels, startDashboardStack, submitJob, waitForCanvasCount, type DashboardStack } from "./dashboard-harness.js";

let stack: DashboardStack;
let page: Page;
const shot = (name: string) => page.screenshot({ path: join(REPORTS, `dashboard-${name}.png`), fullPage: true });
const NYU_K = "518.8579, 519.46961, 325.58245, 253.73617";
let jobUrl: string;
let guard: Awaited<ReturnType<typeof guardPage>>;

let chat: TestChatServer;

beforeAll(async () => {
  // A local chat-completions server stands in for a VLM backend (free-form follow-ups).
  chat = await startChatServer();
  // Its reply says something the measurements contradict (nothing here is 20 m away): the page shows the check.
  chat.reply = () => completion("It looks like a metal refrigerator [obj-0], but I cannot be sure from this photo. It is about 20 m from the camera.");
  stack = await startDashboardStack({ vars: { VLM_BASE_URL: chat.baseUrl, VLM_MODEL: "test-vlm", VLM_TIMEOUT_MS: "10000" } });
  page = stack.page;
  // The page works offline: every request it makes goes to the local worker.
  guard = await guardPage(page, stack.base);
}, 120_000);

// No state of the page may come from an uncaught error or an unhandled rejection.
afterEach(() => {
  expect(guard.pageErrors).toEqual([]);
  expect(guard.foreignRequests).toEqual([]);
});

afterAll(async () => {
  await stack?.stop();
  await chat?.close();
});

describe("the dashboard", () => {
  it("refuses a wrong key with a readable sign-in error", async () => {
    await page.goto(`${stack.base}/#key=sk_wrong_key`);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/API key was refused \(unauthorized\)/);
    // The key from the fragment is gone from the address bar.
    expect(page.url()).not.toContain("sk_wrong_key");
    await shot("error-sign-in");
  }, 30_000);

  it("runs a job live: boxes, the 3D view, answers, a follow-up, rotation and selection", async () => {
    // Pasting a key into the sign-in form (the fragment path is the test above).
    await page.getByLabel("API key").fill(stack.apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "New job" }).waitFor();
    await submitJob(page, { image: join(NYU, "rgb.jpg"), depth: join(NYU, "depth.png"), intrinsics: NYU_K, questions: ["Which object is closest to the camera?", "How far is the chair from the table?"] });
    await shot("loading");
    await waitForCanvasCount(page, "photo", "boxes", 30_000);
    await shot("streaming");
    await page.locator(".layout[data-status=completed]").waitFor({ timeout: 60_000 });
    await waitForCanvasCount(page, "scene3d", "points", 15_000);
    jobUrl = page.url();
    expect(jobUrl).toMatch(/\?job=/);

    // The 3D view is drawn: a fair share of its pixels are not the background.
    const before = await sceneCanvasPixels(page);
    expect(before.lit / before.total).toBeGreaterThan(0.01);
    const answers = page.locator(".answers .answer-text");
    await expect.poll(() => answers.count()).toBe(2);
    expect((await answers.first().textContent())!.length).toBeGreaterThan(3);
    // The depth heat map and the scene graph table are there.
    await page.locator(".depth-view canvas").waitFor();
    expect(await page.locator(".scene-table tbody tr").count()).toBeGreaterThan(0);
    await shot("done");

    // Screen-reader basics: every control has an accessible name.
    const unnamed = await page.evaluate(`[...document.querySelectorAll("input, select, textarea, button")]
      .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80))`);
    expect(unnamed).toEqual([]);

    // Rotate by dragging: the drawn pixels change.
    const box = (await page.locator("canvas.scene3d").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 160, box.y + box.height / 2 + 30, { steps: 8 });
    await page.mouse.up();
    const after = await sceneCanvasPixels(page);
    expect(after.lit / after.total).toBeGreaterThan(0.01);
    expect(after.fingerprint).not.toBe(before.fingerprint);

    // Select an object in the table: the 3D view selects it too.
    // (The views follow on their next render: poll, don't read once.)
    await page.locator(".scene-table tbody th button").first().click();
    await expect.poll(() => page.locator(".scene-table tbody tr.selected").count()).toBe(1);
    const tableId = (await page.locator(".scene-table tbody tr.selected small").textContent())!;
    await expect.poll(() => page.evaluate("window.spatialScene.selectedId")).toBe(tableId);

    // Click an object in the image: the table and the 3D view follow. The expected object is the
    // smallest box under the click (what a click on nested boxes means), from the API's own scene.
    const jobId = new URL(jobUrl).searchParams.get("job")!;
    const view = (await (await fetch(`${stack.base}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${stack.apiKey}` } })).json()) as { scene: { image: { width: number; height: number }; objects: { id: string; box2d: [number, number, number, number] }[] } };
    const area = (b: number[]) => (b[2] - b[0]) * (b[3] - b[1]);
    const target = view.scene.objects.find((o) => o.id !== tableId)!;
    const [cx, cy] = [(target.box2d[0] + target.box2d[2]) / 2, (target.box2d[1] + target.box2d[3]) / 2];
    const expected = view.scene.objects.filter((o) => cx >= o.box2d[0] && cx <= o.box2d[2] && cy >= o.box2d[1] && cy <= o.box2d[3]).sort((a, b) => area(a.box2d) - area(b.box2d))[0].id;
    const photoCanvas = page.locator(".image-view canvas.photo");
    await photoCanvas.scrollIntoViewIfNeeded();
    const photo = (await photoCanvas.boundingBox())!;
    await photoCanvas.click({ position: { x: (cx / view.scene.image.width) * photo.width, y: (cy / view.scene.image.height) * photo.height } });
    await expect.poll(() => page.locator(".scene-table tbody tr.selected small").textContent()).toBe(expected);
    // The 3D view takes the selection on its next render.
    await expect.poll(() => page.evaluate("window.spatialScene.selectedId")).toBe(expected);

    // Click an object's box in the 3D view: the table follows.
    await page.getByRole("button", { name: "Reset view" }).click();
    const scene3d = page.locator("canvas.scene3d");
    await scene3d.scrollIntoViewIfNeeded();
    const onScreen = (await page.evaluate(`(${JSON.stringify(view.scene.objects.map((o) => o.id))}).map((id) => ({ id, at: window.spatialScene.screenPointOf(id) })).filter((o) => o.at)`)) as { id: string; at: { x: number; y: number } }[];
    const pick = onScreen.find((o) => o.id !== expected)!;
    expect(pick, "an object other than the selected one is in view").toBeTruthy();
    await scene3d.click({ position: pick.at });
    // The box nearest the camera along that ray wins, which may be another object drawn in front.
    await expect.poll(() => page.evaluate("window.spatialScene.selectedId")).not.toBe(expected);
    const picked = (await page.evaluate("window.spatialScene.selectedId")) as string | null;
    expect(picked).toMatch(/^obj-/);
    expect(await page.locator(".scene-table tbody tr.selected small").textContent()).toBe(picked);

    // The unit switch converts every length.
    await page.getByLabel("length unit").selectOption("ft");
    expect(await page.locator(".scene-table tbody tr").first().textContent()).toMatch(/\d+\.\d{2} ft/);

    // A follow-up question is answered from the edge.
    await page.getByLabel("Ask a follow-up question").fill("Which object is closest to the camera?");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await expect.poll(() => answers.count(), { timeout: 10_000 }).toBe(3);
    expect(await answers.nth(2).textContent()).toBeTruthy();
    await shot("follow-up");

    // A question the query language cannot express goes to the deployment's VLM, and the page says
    // its answer is the model's words, not a measurement.
    await page.getByLabel("Ask a follow-up question").fill("What material is the refrigerator made of?");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await expect.poll(() => answers.count(), { timeout: 15_000 }).toBe(4);
    expect(await answers.nth(3).textContent()).toContain("metal refrigerator");
    expect(await page.locator(".answers .source-vlm").textContent()).toContain("test-vlm");
    expect(await page.locator(".answers .source").count()).toBe(1);
    // Its claim was held to the measurements: the contradiction is said, and its trace opens on it.
    expect(await answers.nth(3).textContent()).toMatch(/Checked against the measurements, this disagrees: "20 m" for obj-0/);
    const vlmTrace = page.locator(".answers > ol > li").nth(3).locator("details.trace");
    expect(await vlmTrace.getAttribute("open")).not.toBeNull();
    expect(await vlmTrace.locator("li.contradicts").count()).toBe(1);
    // A program's answer carries its steps, folded until asked for.
    const programTrace = page.locator(".answers > ol > li").first().locator("details.trace");
    expect(await programTrace.getAttribute("open")).toBeNull();
    await programTrace.locator("summary").click();
    await expect.poll(() => programTrace.getAttribute("open")).not.toBeNull();
    expect(await programTrace.locator("li.step").count()).toBeGreaterThan(0);
    await shot("vlm-answer");
  }, 120_000);

  it("shows a robot reward sequence streaming in: the task, the reward per frame and success", async () => {
    const client = createClient({ baseUrl: stack.base, apiKey: stack.apiKey });
    const episode = renderEpisode({ xs: blockPath(8, 3), noiseM: 0.005 });
    const created = await client.rewards.create({ task: episode.task, intrinsics: episode.intrinsics, frames: episode.frames.map((f) => ({ image: f.rgbPng, depth: f.depthPng, objects: f.objects })) });
    await page.goto(`${stack.base}/?job=${created.job.id}`);
    const chart = page.locator(".reward-chart");
    await chart.waitFor({ timeout: 30_000 });
    if (Number(await chart.getAttribute("data-frames")) < episode.frames.length) await shot("reward-streaming");
    await page.locator(".layout[data-status=completed]").waitFor({ timeout: 60_000 });
    expect(Number(await chart.getAttribute("data-frames"))).toBe(episode.frames.length);
    expect(await page.locator(".reward .hint").first().textContent()).toBe("move the block to the can");
    const firstSuccess = episode.frames.findIndex((f) => f.truthGapM <= 0.03);
    expect(await page.locator(".reward-summary").textContent()).toContain(`success since frame ${firstSuccess + 1}`);
    expect(await page.locator(".reward-chart rect.success").count()).toBe(episode.frames.length - firstSuccess);
    // The job's image and scene are the last frame's: the block beside the can, both boxed, its
    // depth map drawn and its objects' points in the 3D view.
    await waitForCanvasCount(page, "photo", "boxes", 15_000);
    await page.locator(".depth-view canvas").waitFor({ timeout: 15_000 });
    await waitForCanvasCount(page, "scene3d", "points", 15_000);
    const table = await page.locator(".scene-table").textContent();
    expect(table).toContain("block");
    expect(table).toContain("can");
    await shot("reward");
  }, 120_000);

  it("reopens a job URL from its stored events", async () => {
    await page.goto(jobUrl);
    await page.locator(".layout[data-status=completed]").waitFor({ timeout: 30_000 });
    await waitForCanvasCount(page, "photo", "boxes", 15_000);
    expect(await page.locator(".answers .answer-text").count()).toBe(2);
    expect(await page.locator(".job-list li").count()).toBeGreaterThan(0);
  }, 60_000);

  it("shows the server's error for a corrupt image", async () => {
    const garbage = join(REPORTS, "not-an-image.jpg");
    writeFileSync(garbage, "this is not an image at all");
    await submitJob(page, { image: garbage, questions: ["How far is the chair?"] });
    const alert = page.locator("main [role=alert]");
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toMatch(/not an image the service reads.*\(unsupported_media_type\)/);
    // Nothing of the previous job is left on screen.
    expect(await page.locator("canvas.scene3d").getAttribute("data-points")).toBe("0");
    expect(await page.locator(".scene-table tbody tr").count()).toBe(0);
    await shot("error-corrupt-image");
    expect(readFileSync(join(REPORTS, "dashboard-error-corrupt-image.png")).byteLength).toBeGreaterThan(1000);
  }, 30_000);

  it("shows a failed job's code and message: a JPEG cut in half", async () => {
    const jpeg = await sharp(join(NYU, "rgb.jpg")).jpeg().toBuffer();
    const truncated = join(REPORTS, "truncated.jpg");
    writeFileSync(truncated, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    await submitJob(page, { image: truncated, questions: ["How far is the chair?"] });
    const alert = page.locator("main [role=alert]");
    await alert.waitFor({ timeout: 30_000 });
    // Refused at the edge or failed by the runner, the page says which code and why.
    expect(await alert.textContent()).toMatch(/\((image_[a-z_]+|unsupported_media_type|invalid_request)\): \S/);
    await shot("error-failed-job");
  }, 45_000);
});
