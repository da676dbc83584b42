import { env } from "cloudflare:workers";
import { JobEvent, type EventBody } from "@spatial/shared/protocol";
import { describe, expect, it } from "vitest";
import { parseSse, readSse, viewerOf } from "../testing/harness.js";

let n = 0;
async function room(meta: { events?: JobEvent["type"][] } = {}) {
  const jobId = `job_room_${++n}`;
  const stub = env.JOB_ROOM.get(env.JOB_ROOM.idFromName(jobId));
  await stub.init({ jobId, ...meta });
  return { jobId, stub, events: (after?: number, headers: HeadersInit = {}) => stub.fetch(`https://room/events${after === undefined ? "" : `?after=${after}`}`, { headers }) };
}

const accepted: EventBody = { type: "job.accepted", imageSha256: "ab", pipelineVersion: "spatial-pipeline/1", cached: false };
const stage = (s: "decode" | "detect"): EventBody => ({ type: "stage.started", stage: s });
const done = (s: "decode" | "detect"): EventBody => ({ type: "stage.completed", stage: s, ms: 3 });
const completed: EventBody = { type: "job.completed", ms: 10 };
const graph: EventBody = {
  type: "scene.graph",
  graph: {
    version: 1, image: { width: 4, height: 3 }, intrinsics: { fx: 3, fy: 3, cx: 2, cy: 1.5, source: "input" }, depth: { source: "input" },
    frame: { canonicalized: false, upSource: "camera", worldFromCam: { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] }, cameraHeightM: 0 },
    objects: [],
  },
};

describe("JobRoom", () => {
  it("numbers events 1, 2, … in append order and stamps jobId and time", async () => {
    const { jobId, stub } = await room();
    const stamped = [];
    for (const body of [accepted, stage("decode"), done("decode"), stage("detect")]) stamped.push(await stub.append(body));
    expect(stamped.map((e) => e?.seq)).toEqual([1, 2, 3, 4]);
    const log = await stub.log();
    expect(log.map((e) => [e.seq, e.type])).toEqual([[1, "job.accepted"], [2, "stage.started"], [3, "stage.completed"], [4, "stage.started"]]);
    for (const e of log) {
      expect(JobEvent.parse(e)).toBeTruthy();
      expect(e.jobId).toBe(jobId);
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    }
    // Concurrent appends still get distinct, gapless numbers.
    const results = await Promise.all([done("detect"), { type: "perception.detections", detections: [] } as EventBody].map((b) => stub.append(b)));
    expect(results.map((e) => e?.seq).sort()).toEqual([5, 6]);
    expect((await stub.summary()).lastSeq).toBe(6);
  });

  it("drops repeats (null) without using a number", async () => {
    const { stub } = await room();
    await stub.append(accepted);
    expect(await stub.append(accepted)).toBeNull();
    await stub.append(stage("decode"));
    expect(await stub.append(stage("decode"))).toBeNull();
    expect((await stub.append(done("decode")))?.seq).toBe(3);
  });

  it("gives a late SSE subscriber the whole log and ends the stream after the terminal event", async () => {
    const { stub, events } = await room();
    for (const body of [accepted, stage("decode"), done("decode"), graph, completed]) await stub.append(body);
    const res = await events();
    expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const got = await readSse(res); // resolves only because the stream ends
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(got.at(-1)?.type).toBe("job.completed");
    expect(await stub.append(stage("detect"))).toBeNull();
  });

  it("resumes after N (?after= and Last-Event-ID, the header winning)", async () => {
    const { stub, events } = await room();
    for (const body of [accepted, stage("decode"), done("decode"), stage("detect"), completed]) await stub.append(body);
    expect((await readSse(await events(3))).map((e) => e.seq)).toEqual([4, 5]);
    expect((await readSse(await events(0, { "Last-Event-ID": "4" }))).map((e) => e.seq)).toEqual([5]);
    expect(await readSse(await events(5))).toEqual([]);
    expect((await events(undefined, { "Last-Event-ID": "x" })).status).toBe(400);
  });

  it("streams live events to a subscriber that came early, in order, until the terminal event", async () => {
    const { stub, events } = await room();
    await stub.append(accepted);
    const res = await events();
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const appended = (async () => {
      for (const body of [stage("decode"), done("decode"), stage("detect"), done("detect"), completed]) await stub.append(body);
    })();
    let text = "";
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) break;
      text += value;
    }
    await appended;
    expect(parseSse(text).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("fans out to WebSocket viewers, with the same resume, and closes them with 1000 at the end", async () => {
    const { stub } = await room();
    await stub.append(accepted);
    await stub.append(stage("decode"));
    const open = async (after: number) => {
      const res = await stub.fetch(`https://room/events?after=${after}`, { headers: { Upgrade: "websocket" } });
      expect(res.status).toBe(101);
      return viewerOf(res.webSocket!);
    };
    const a = await open(0);
    const b = await open(1);
    await stub.append(done("decode"));
    await stub.append(completed);
    expect((await a.waitClosed()).code).toBe(1000);
    await b.waitClosed();
    expect(a.messages.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(b.messages.map((e) => e.seq)).toEqual([2, 3, 4]);
    const late = await open(2);
    await late.waitClosed();
    expect(late.messages.map((e) => e.seq)).toEqual([3, 4]);
  });

  it("streams only the event types the job asked for, and always the terminal one", async () => {
    const { stub, events } = await room({ events: ["stage.completed"] });
    for (const body of [accepted, stage("decode"), done("decode"), graph, completed]) await stub.append(body);
    const got = await readSse(await events());
    expect(got.map((e) => [e.seq, e.type])).toEqual([[3, "stage.completed"], [5, "job.completed"]]);
  });

  it("turns a completion without a scene graph into job.failed incomplete_result (a job is never completed without its scene)", async () => {
    const { stub } = await room();
    await stub.append(accepted);
    expect(await stub.append(completed)).toMatchObject({ seq: 2, type: "job.failed", code: "incomplete_result" });
    expect((await stub.summary()).terminal).toBe("job.failed");
  });

  it("a Last-Event-ID ahead of the log waits for later events and never replays those at or below it", async () => {
    const { stub, events } = await room();
    await stub.append(accepted);
    const res = await events(undefined, { "Last-Event-ID": "3" });
    for (const body of [stage("decode"), done("decode"), stage("detect"), done("detect"), graph, completed]) await stub.append(body);
    const got = await readSse(res);
    expect(got.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
  });
});
