import { describe, expect, it } from "vitest";
import type { JobEvent } from "@spatial/shared/protocol";
import { applyEvent, emptyJob, replay } from "./job-state.js";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const ev = (seq: number, ms: number, body: object) => ({ seq, jobId: "job_1", at: at(ms), ...body }) as JobEvent;
const line = (question: string) => ({ question, answer: { text: `answer to ${question}`, type: "text" as const }, objects: [] });

const stream: JobEvent[] = [
  ev(1, 0, { type: "job.accepted", imageSha256: "a".repeat(64), pipelineVersion: "p", cached: false }),
  ev(2, 5, { type: "stage.started", stage: "detect" }),
  ev(3, 25, { type: "perception.detections", detections: [{ label: "chair", score: 0.9, box2d: [1, 2, 3, 4] }] }),
  ev(4, 26, { type: "stage.completed", stage: "detect", ms: 20 }),
  ev(5, 30, { type: "scene.pointcloud", objectId: "obj-0", points: 10, blob: { key: "out/job_1/obj-0", contentType: "application/octet-stream", bytes: 120 } }),
  ev(6, 40, { type: "answer.final", index: 1, line: line("second") }),
  ev(7, 41, { type: "answer.final", index: 0, line: line("first") }),
  ev(8, 50, { type: "job.completed", ms: 50 }),
];

describe("the job view as a fold of its events", () => {
  it("collects results, answers by index, and stage timings", () => {
    const s = replay(stream);
    expect(s.status).toBe("completed");
    expect(s.jobId).toBe("job_1");
    expect(s.detections.map((d) => d.label)).toEqual(["chair"]);
    expect([...s.pointClouds.keys()]).toEqual(["obj-0"]);
    expect(s.answers.map((a) => a.question)).toEqual(["first", "second"]);
    expect(s.stages).toEqual([{ stage: "detect", startMs: 5, durationMs: 20 }]);
    expect(s.totalMs).toBe(50);
  });

  it("ignores a repeated seq and never mutates the previous state", () => {
    const before = replay(stream.slice(0, 3));
    const snapshot = JSON.stringify({ ...before, pointClouds: [...before.pointClouds] });
    expect(applyEvent(before, stream[2])).toBe(before);
    applyEvent(before, stream[4]);
    expect(JSON.stringify({ ...before, pointClouds: [...before.pointClouds] })).toBe(snapshot);
  });

  it("keeps the server's code and message of a failed job", () => {
    const s = applyEvent(emptyJob(), ev(1, 0, { type: "job.failed", code: "image_decode_failed", message: "not an image" }));
    expect(s.status).toBe("failed");
    expect(s.error).toEqual({ code: "image_decode_failed", message: "not an image" });
  });

  it("collects a reward sequence's task and frames in frame order, whatever order they arrive in", () => {
    const frame = (seq: number, i: number, reward: number, success: boolean) => ev(seq, seq, { type: "reward.frame", frame: i, measuredM: 0.5 - reward / 2, reward, definition: "d", success, subjectId: "obj-1", targetId: "obj-0", ms: 100, objects: [] });
    const s = replay([
      ev(1, 0, { type: "job.accepted", imageSha256: "a".repeat(64), pipelineVersion: "p", cached: false }),
      frame(2, 0, 0, false),
      ev(3, 1, { type: "reward.task", task: { kind: "approach", subject: "block", target: "can" }, definition: "d", successM: 0.03, hysteresisM: 0.03, frames: 3 }),
      frame(4, 2, 1, true),
      frame(5, 1, 0.5, false),
    ]);
    expect(s.reward?.task?.task).toEqual({ kind: "approach", subject: "block", target: "can" });
    expect(s.reward?.frames.map((f) => [f.frame, f.reward, f.success])).toEqual([[0, 0, false], [1, 0.5, false], [2, 1, true]]);
    expect(replay(stream).reward).toBeUndefined();
  });
});
