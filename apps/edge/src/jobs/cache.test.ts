import { env } from "cloudflare:workers";
import { askOutputLine, type JobView } from "@spatial/shared/protocol";
import { answerQuestion } from "@spatial/shared/spatial";
import { beforeAll, describe, expect, it } from "vitest";
import { api, bearer, createKey, jobForm, png, postJob, readSse, TestRunner } from "../testing/harness.js";
import { livingRoom } from "../testing/scene.js";
import { cacheKey } from "./cache.js";

let alice: string;
let bob: string;
beforeAll(async () => {
  alice = (await createKey("alice")).key;
  bob = (await createKey("bob")).key;
});

const image = png(16, 12, 8, 2, 77);
const intrinsics = { fx: 500, fy: 500, cx: 8, cy: 6 };
const graph = livingRoom();

/** Runs one job through a runner that reports the living-room scene graph. */
async function perceiveOnce(): Promise<JobView> {
  const runner = await TestRunner.connect("cache", "r-cache");
  const res = await postJob(alice, jobForm(image, { intrinsics, questions: ["How tall is the tv?"] }), "?pool=cache");
  expect(res.status).toBe(202);
  const { job } = await res.json<{ job: JobView }>();
  const { leaseId } = await runner.assignment();
  await runner.relay(job.id, leaseId, [
    { type: "scene.graph", graph },
    { type: "answer.final", index: 0, line: askOutputLine("How tall is the tv?", answerQuestion("How tall is the tv?", graph), graph) },
    { type: "job.completed", ms: 12 },
  ]);
  runner.close();
  await runner.waitClosed();
  return job;
}

describe("cache key", () => {
  it("depends on the inputs that determine the scene, not on questions or key order", async () => {
    const base = { imageSha256: "a".repeat(64), options: { depthScale: 1000, intrinsics: { fx: 1, fy: 2, cx: 3, cy: 4 } } };
    const k = await cacheKey(base);
    expect(await cacheKey({ ...base, options: { depthScale: 1000, intrinsics: { cy: 4, cx: 3, fy: 2, fx: 1 } } })).toBe(k);
    expect(await cacheKey({ ...base, options: { ...base.options, depthScale: 5 } })).toBe(k); // no depth map: scale is moot
    expect(await cacheKey({ ...base, depthSha256: "b".repeat(64) })).not.toBe(k);
    expect(await cacheKey({ ...base, options: { ...base.options, objects: [{ label: "cup", box2d: [0, 0, 1, 1] }] } })).not.toBe(k);
    expect(await cacheKey({ ...base, pipelineVersion: "spatial-pipeline/2" })).not.toBe(k);
    expect(await cacheKey({ ...base, tenantId: "alice" })).not.toBe(await cacheKey({ ...base, tenantId: "bob" }));
  });
});

describe("scene cache and edge answers", () => {
  it("serves a tenant's repeat of its completed job from the stored graph with no runner, and answers new questions at the edge", async () => {
    const first = await perceiveOnce();
    const done = await (await api(`/v1/jobs/${first.id}`, { headers: bearer(alice) })).json<JobView>();
    expect(done.status).toBe("completed");

    // No runner is connected to the pool any more; alice sends the same image and intrinsics with other questions.
    const questions = ["How far is the red chair from the blue chair?", "Is the cup on the left of the tv?"];
    const res = await postJob(alice, jobForm(image, { intrinsics, questions }), "?pool=cache");
    expect(res.status).toBe(200);
    const { job } = await res.json<{ job: JobView }>();
    const expectedAnswers = questions.map((q) => askOutputLine(q, answerQuestion(q, graph), graph));
    expect(job).toMatchObject({ status: "completed", questions, answers: expectedAnswers });
    expect(job.scene).toEqual(done.scene);
    const events = await readSse(await api(`/v1/jobs/${job.id}/events`, { headers: bearer(alice) }));
    // Each answer's reasoning streams before it: one answer.step per step of its trace.
    const steps = (i: number) => Array(expectedAnswers[i].trace?.length ?? 0).fill("answer.step");
    expect(events.map((e) => e.type)).toEqual(["job.accepted", "scene.graph", ...steps(0), "answer.final", ...steps(1), "answer.final", "job.completed"]);
    expect(steps(0).length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ cached: true, imageSha256: first.imageSha256 });
    expect(events.filter((e) => e.type === "answer.final").map((e) => e.type === "answer.final" && [e.index, e.line])).toEqual(expectedAnswers.map((l, i) => [i, l]));
    expect(await env.DB.prepare("SELECT cached FROM jobs WHERE id = ?").bind(job.id).first("cached")).toBe(1);

    // Other intrinsics are another scene: a miss, queued for a runner.
    const miss = await postJob(alice, jobForm(image, { intrinsics: { ...intrinsics, fx: 600 } }), "?pool=cache");
    expect(miss.status).toBe(202);

    // Another tenant sending the very same bytes learns nothing: no cache hit, its own job, queued.
    const other = await postJob(bob, jobForm(image, { intrinsics, questions }), "?pool=cache");
    expect(other.status).toBe(202);
    const otherJob = (await other.json<{ job: JobView }>()).job;
    expect(otherJob).toMatchObject({ status: "queued" });
    expect(otherJob.scene).toBeUndefined();
    const otherEvents = await api(`/v1/jobs/${otherJob.id}/events`, { headers: bearer(bob) });
    const reader = otherEvents.body!.getReader();
    let text = "";
    while (!text.includes("job.queued")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain(`"cached":false`);

    // New questions about the finished job are answered from its graph, at the edge.
    const ask = await api(`/v1/jobs/${first.id}/questions`, { method: "POST", headers: { ...bearer(alice), "Content-Type": "application/json" }, body: JSON.stringify({ questions: ["How wide is the couch?", "Which is closer to the camera, the tv or the couch?"] }) });
    expect(ask.status).toBe(200);
    const { answers } = await ask.json<{ answers: { question: string; answer: { type: string; value_m?: number; choice?: string } }[] }>();
    expect(answers[0]).toMatchObject({ question: "How wide is the couch?", answer: { type: "number" } });
    expect(answers[0].answer.value_m).toBeCloseTo(2.0, 1);
    expect(answers[1].answer).toMatchObject({ type: "choice", choice: "couch" });
  });
});
