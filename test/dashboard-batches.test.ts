// The dashboard's batch pages in a real browser (Debian's Chromium, WebGL through SwiftShader)
// against the real local stack (worker with its static assets, D1, R2, Durable Objects, Queues, a
// runner process): a small batch of fixture photos made with the SDK, the batch list, its live
// progress, an item that fails with its code, the QA browser with a pair's objects highlighted in
// the image and in 3D, readable errors, focus order, and /docs rendered with no internet.
// Screenshots go to .reports/dashboard-batch*.png and .reports/dashboard-docs.png.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createClient, type SpatialClient } from "../packages/sdk/src/index.js";
import { guardPage, REPORTS, sceneCanvasPixels, startDashboardStack, waitForCanvasCount, type DashboardStack } from "./dashboard-harness.js";

const FIXTURES = resolve(import.meta.dirname, "../../shared/fixtures/rgbd");
const PHOTOS = [["nyu_00000", "rgb.jpg"], ["sunrgbd_000017", "rgb.jpg"]] as const;

let stack: DashboardStack;
let page: Page;
let client: SpatialClient;
let batchId: string;
const shot = (name: string) => page.screenshot({ path: join(REPORTS, `dashboard-${name}.png`), fullPage: true });
let guard: Awaited<ReturnType<typeof guardPage>>;

beforeAll(async () => {
  stack = await startDashboardStack();
  page = stack.page;
  client = createClient({ baseUrl: stack.base, apiKey: stack.apiKey });
  // Nothing leaves the machine: any request not to the local worker is refused and recorded.
  guard = await guardPage(page, stack.base);
}, 120_000);

afterEach(() => {
  expect(guard.pageErrors).toEqual([]);
  expect(guard.foreignRequests).toEqual([]);
});

afterAll(async () => {
  await stack?.stop();
});

/** Two fixture photos with their depth and intrinsics, and one JPEG cut in half (its item fails). */
async function createSmallBatch(): Promise<string> {
  const items = [];
  for (const [dir, rgb] of PHOTOS) {
    const image = (await client.batches.upload(new Uint8Array(readFileSync(join(FIXTURES, dir, rgb))), "image")).upload;
    const depth = (await client.batches.upload(new Uint8Array(readFileSync(join(FIXTURES, dir, "depth.png"))), "depth")).upload;
    items.push({ id: dir, upload: image, depth, depthScale: 1000, intrinsics: JSON.parse(readFileSync(join(FIXTURES, dir, "intrinsics.json"), "utf8")) });
  }
  const jpeg = await sharp(join(FIXTURES, "nyu_00000/rgb.jpg")).jpeg({ quality: 80 }).toBuffer();
  const broken = (await client.batches.upload(new Uint8Array(jpeg.subarray(0, Math.floor(jpeg.length / 2))), "image")).upload;
  items.push({ id: "broken-half-jpeg", upload: broken });
  const created = await client.batches.create({ items, synthesis: { seed: 5, perFamily: 1 }, formats: ["jsonl"] });
  return created.batch.id;
}

/** Near-white pixels along the left edge of a box in the image canvas (a highlighted box is stroked white). */
async function whiteShareOnLeftEdge(p: Page, box: [number, number, number, number]): Promise<number> {
  return p.evaluate(`(() => {
    const c = document.querySelector(".image-view canvas.photo");
    const [x1, y1, x2, y2] = ${JSON.stringify(box)};
    const x = Math.max(0, Math.min(c.width - 1, Math.round(x1)));
    const data = c.getContext("2d").getImageData(x, Math.round(y1), 1, Math.max(1, Math.round(y2 - y1))).data;
    let white = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 235 && data[i + 1] > 235 && data[i + 2] > 235) white++;
    return white / (data.length / 4);
  })()`);
}

describe("the dashboard's batches", () => {
  it("lists the batch, follows its progress live to the end and shows the failed item's code", async () => {
    await page.goto(`${stack.base}/#key=${stack.apiKey}`);
    await page.getByRole("heading", { name: "New job" }).waitFor();
    batchId = await createSmallBatch();

    await page.getByRole("navigation", { name: "sections" }).getByRole("link", { name: "Batches" }).click();
    expect(new URL(page.url()).search).toBe("?view=batches");
    const row = page.locator(`.batch-list tr[data-batch="${batchId}"]`);
    await row.waitFor();
    expect(await row.locator("td").nth(4).textContent()).toBe("3"); // total

    await row.getByRole("link", { name: batchId }).click();
    expect(new URL(page.url()).searchParams.get("batch")).toBe(batchId);
    const progress = page.locator(".batch-progress");
    await progress.waitFor();
    // The screenshot while it runs, once an item has ended (jobs take about a second here: not always caught).
    let caughtRunning = false;
    for (const until = Date.now() + 240_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      if ((await progress.getAttribute("data-status")) === "completed") break;
      if (Number(await progress.locator(".done-count").textContent()) + Number(await progress.locator(".failed-count").textContent()) > 0) {
        await shot("batch-progress");
        caughtRunning = true;
        break;
      }
    }
    await page.locator(".batch-progress[data-status=completed]").waitFor({ timeout: 240_000 });
    if (!caughtRunning) await shot("batch-progress");

    // The numbers agree with the API's own view, and the bar says the same to a screen reader.
    const view = await client.batches.get(batchId);
    expect(view.status).toBe("completed");
    expect(Number(await progress.locator(".done-count").textContent())).toBe(view.counts.done);
    expect(Number(await progress.locator(".failed-count").textContent())).toBe(view.counts.failed);
    expect(Number(await progress.locator(".total-count").textContent())).toBe(3);
    expect(await progress.locator(".throughput").textContent()).toMatch(/^\d+(\.\d+)? items\/s$/);
    const bar = progress.getByRole("progressbar");
    expect(await bar.getAttribute("aria-valuenow")).toBe("3");
    expect(await bar.getAttribute("aria-valuetext")).toBe(`${view.counts.done} done, ${view.counts.failed} failed, ${view.counts.skipped} skipped of 3`);
    expect(await progress.getByRole("button", { name: "download qa.jsonl" }).count()).toBe(1);

    // The half JPEG failed with the runner's (or the edge's) code and message.
    expect(view.counts.failed).toBe(1);
    const failure = page.locator(".batch-failures tr.failure");
    await expect.poll(() => failure.count()).toBe(1);
    expect(await failure.locator("th").textContent()).toBe("broken-half-jpeg");
    expect(await failure.locator("code.code").textContent()).toMatch(/^(image_[a-z_]+|unsupported_media_type|invalid_request)$/);
    expect((await failure.locator("td.message").textContent())!.length).toBeGreaterThan(3);

    // Back in the list, the batch is complete with its bar full; the browser's back button returns.
    await page.locator(".crumbs").getByRole("link", { name: "Batches" }).click();
    await page.locator(`.batch-list tr[data-batch="${batchId}"] .status.completed`).waitFor();
    await shot("batches-list");
    await page.goBack();
    await page.locator(".batch-progress[data-status=completed]").waitFor();
  }, 300_000);

  it("browses an image's QA pairs and highlights a pair's objects in the image and in 3D", async () => {
    const items = (await client.batches.items(batchId)).items;
    const done = items.find((i) => i.status === "done" && (i.qaPairs ?? 0) > 0);
    expect(done, "an item with QA pairs").toBeTruthy();
    await page.getByRole("button", { name: new RegExp(`^image ${done!.itemId}: done`) }).click();
    expect(new URL(page.url()).searchParams.get("item")).toBe(String(done!.idx));
    const pairs = page.locator(".qa-pairs ol > li");
    await expect.poll(() => pairs.count(), { timeout: 15_000 }).toBe(done!.qaPairs);
    await waitForCanvasCount(page, "photo", "boxes", 30_000);
    await waitForCanvasCount(page, "scene3d", "populated", 30_000);

    // The pair to pick: the first one about an object with a box in this image.
    const qa = await client.batches.itemQa(batchId, done!.idx);
    const job = (await (await fetch(`${stack.base}/v1/jobs/${done!.jobId}`, { headers: { authorization: `Bearer ${stack.apiKey}` } })).json()) as { scene: { objects: { id: string; box2d: [number, number, number, number]; points: number }[] } };
    const byId = new Map(job.scene.objects.map((o) => [o.id, o]));
    const index = qa.qa.findIndex((p) => p.object_ids.every((id) => byId.get(id)?.points));
    expect(index).toBeGreaterThanOrEqual(0);
    const pair = qa.qa[index];
    const target = byId.get(pair.object_ids[0])!;
    const before = await whiteShareOnLeftEdge(page, target.box2d);

    await pairs.nth(index).getByRole("button").click();
    await expect.poll(() => pairs.nth(index).getByRole("button").getAttribute("aria-pressed")).toBe("true");
    // The objects, named in the list, drawn white in the image and lit in 3D: the same ids everywhere.
    const named = await page.locator(".qa-pairs .highlighted-object").evaluateAll((els) => els.map((e) => e.getAttribute("data-object-id")));
    expect(named).toEqual(pair.object_ids);
    expect(await page.locator(".qa-pairs .highlighted-object.missing").count()).toBe(0);
    await expect.poll(() => page.locator(".image-view canvas.photo").getAttribute("data-highlighted")).toBe(pair.object_ids.join(","));
    await expect.poll(async () => ((await page.locator("canvas.scene3d").getAttribute("data-highlighted")) ?? "").split(",").sort().join(",")).toBe([...pair.object_ids].sort().join(","));
    const after = await whiteShareOnLeftEdge(page, target.box2d);
    expect(after).toBeGreaterThan(0.6);
    expect(after).toBeGreaterThan(before);
    // The item's point clouds came with its job's events, as for any job.
    expect(Number(await page.locator("canvas.scene3d").getAttribute("data-points"))).toBeGreaterThan(0);
    const pixels = await sceneCanvasPixels(page);
    expect(pixels.lit / pixels.total).toBeGreaterThan(0.01);
    await page.locator(".qa-browser").scrollIntoViewIfNeeded();
    await shot("batch-qa");

    // Every control is named, and Tab walks the page in reading order.
    const unnamed = await page.evaluate(`[...document.querySelectorAll("input, select, textarea, button, a")]
      .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80))`);
    expect(unnamed).toEqual([]);
    // A click on the page title sets where Tab starts (blur alone keeps the last focused control's place).
    await page.locator("header.top h1").click();
    const order: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      order.push((await page.evaluate(`(() => { const e = document.activeElement; return e ? (e.getAttribute("aria-label") || e.textContent || "").trim().slice(0, 60) : ""; })()`)) as string);
    }
    const at = (name: string | RegExp) => order.findIndex((t) => (typeof name === "string" ? t === name : name.test(t)));
    expect(at("Jobs")).toBe(0);
    expect(at("Batches")).toBe(1);
    const landmarks = [at("API docs"), at("download qa.jsonl"), at(new RegExp(`^image ${done!.itemId}: done`)), at(pair.question), at("rotate left")];
    expect(landmarks.every((i) => i >= 0), `focus order: ${order.join(" | ")}`).toBe(true);
    expect([...landmarks].sort((a, b) => a - b)).toEqual(landmarks);

    // The QA browser's URL reopens the same image with its pairs.
    await page.goto(`${stack.base}/?batch=${batchId}&item=${done!.idx}`);
    await expect.poll(() => page.locator(".qa-pairs ol > li").count(), { timeout: 15_000 }).toBe(done!.qaPairs);
    await waitForCanvasCount(page, "photo", "boxes", 15_000);
  }, 120_000);

  it("cancels a running batch from its page, only once the user confirms", async () => {
    // 40 copies of one photo: more than the one runner finishes before the click.
    const upload = (await client.batches.upload(new Uint8Array(readFileSync(join(FIXTURES, "nyu_00000/rgb.jpg"))), "image")).upload;
    const created = await client.batches.create({ items: Array.from({ length: 40 }, (_, i) => ({ id: `copy-${i}`, upload })), synthesis: { seed: 5, perFamily: 1 }, formats: ["jsonl"] });
    const id = created.batch.id;
    await page.goto(`${stack.base}/?batch=${id}`);
    const progress = page.locator(".batch-progress");
    await progress.waitFor();
    const cancel = page.getByRole("button", { name: "Cancel batch" });

    // Dismissing the question changes nothing.
    const asked: string[] = [];
    page.once("dialog", (d) => { asked.push(d.message()); void d.dismiss(); });
    await cancel.click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain(id);
    expect((await client.batches.get(id)).status).not.toBe("cancelled");

    // Accepting it cancels: the page shows the batch cancelled, its queued images failed as such.
    page.once("dialog", (d) => void d.accept());
    await cancel.click();
    await page.locator(".batch-progress[data-status=cancelled]").waitFor({ timeout: 30_000 });
    const view = await client.batches.get(id);
    expect(view.status).toBe("cancelled");
    expect(view.counts.done).toBeLessThan(40);
    await expect.poll(async () => Number(await progress.locator(".failed-count").textContent())).toBe(view.counts.failed);
    expect(view.counts.failed).toBeGreaterThan(0);
    expect(await page.getByRole("button", { name: "Cancel batch" }).count()).toBe(0);
    // The items the cancel failed are listed with their code, read from the API (no event each).
    const failures = page.locator(".batch-failures tr.failure");
    await expect.poll(() => failures.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await failures.first().locator("code.code").textContent()).toBe("cancelled");
    // …and the QA browser lists the batch's images, though none has pairs.
    await expect.poll(() => page.locator(".qa-browser .item-picker li").count(), { timeout: 30_000 }).toBe(40);
    await shot("batch-cancelled");
  }, 120_000);

  it("says when a batch does not exist, and when the key is refused", async () => {
    await page.goto(`${stack.base}/?batch=bat_does_not_exist`);
    const alert = page.locator(".batch-page [role=alert]");
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toMatch(/No batch "bat_does_not_exist" in this account \(not_found\): batch not found/);
    await shot("batch-not-found");

    // A key revoked while the page is open: the server's 401, said in words, with what to do.
    await page.route(`${stack.base}/v1/batches**`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: "Bearer sk_revoked_key" } }));
    try {
      await page.getByRole("link", { name: "Batches", exact: true }).first().click();
      const refused = page.locator(".batch-list [role=alert]");
      await refused.waitFor({ timeout: 15_000 });
      expect(await refused.textContent()).toMatch(/API key was refused \(unauthorized\).*Sign in again/);
    } finally {
      await page.unroute(`${stack.base}/v1/batches**`);
    }
  }, 45_000);

  it("serves /docs with Scalar from the worker's own assets, rendered with no internet", async () => {
    const html = await (await fetch(`${stack.base}/docs`)).text();
    expect(html).toContain('src="/docs/api-reference.js"');
    expect(html).not.toMatch(/cdn\.jsdelivr|unpkg/);
    await page.goto(`${stack.base}/docs`);
    await page.getByText("Create a batch from JSON items", { exact: false }).first().waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe("Spatial API");
    await page.screenshot({ path: join(REPORTS, "dashboard-docs.png") }); // the first screen: the whole page is ~20k px tall
  }, 45_000);
});
