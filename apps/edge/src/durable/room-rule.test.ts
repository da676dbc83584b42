import { MAX_REWARD_FRAMES, MAX_SCENE_OBJECTS, type EventBody } from "@spatial/shared/protocol";
import { describe, expect, it } from "vitest";
import { admit, initialRuleState, type RoomRuleState } from "./room-rule.js";

/** Runs bodies through the rule, returning the admitted ones' types (with a detail) in order. */
function run(steps: [EventBody, number?][], start: RoomRuleState = initialRuleState()): string[] {
  let state = start;
  const out: string[] = [];
  for (const [body, attempt] of steps) {
    const r = admit(state, body, attempt);
    state = r.state;
    if (r.admitted) out.push("stage" in body ? `${body.type}:${body.stage}` : body.type === "job.assigned" ? `${body.type}:${body.attempt}` : body.type);
  }
  return out;
}

const accepted: EventBody = { type: "job.accepted", imageSha256: "a", pipelineVersion: "p", cached: false };
const assigned = (attempt: number): EventBody => ({ type: "job.assigned", attempt });
const started = (stage: "decode" | "detect" | "depth"): EventBody => ({ type: "stage.started", stage });
const completed = (stage: "decode" | "detect" | "depth"): EventBody => ({ type: "stage.completed", stage, ms: 1 });
/** The rule looks at event types only; the graph's content does not matter here. */
const graph = { type: "scene.graph", graph: {} } as unknown as EventBody;

describe("job room admission rule", () => {
  it("drops everything after a terminal event", () => {
    expect(run([[accepted], [graph], [{ type: "job.completed", ms: 1 }], [{ type: "job.failed", code: "x", message: "y" }], [started("decode")], [{ type: "job.cancelled" }]])).toEqual(["job.accepted", "scene.graph", "job.completed"]);
  });

  it("never admits job.completed before a scene graph (a job is never complete without its scene)", () => {
    expect(run([[accepted], [{ type: "job.completed", ms: 1 }], [{ type: "job.failed", code: "incomplete_result", message: "m" }]])).toEqual(["job.accepted", "job.failed"]);
  });

  it("admits at most MAX_SCENE_OBJECTS point clouds", () => {
    const steps: [EventBody][] = Array.from({ length: MAX_SCENE_OBJECTS + 5 }, (_, i) => [{ type: "scene.pointcloud", objectId: `obj-${i}`, points: 1 }]);
    expect(run(steps)).toHaveLength(MAX_SCENE_OBJECTS);
  });

  it("admits a reward sequence's task once and each frame once, across a re-run attempt", () => {
    const task = { type: "reward.task", task: { kind: "approach", subject: "block", target: "can" }, definition: "d", successM: 0.03, hysteresisM: 0.03, frames: 3 } as EventBody;
    const frame = (i: number) => ({ type: "reward.frame", frame: i, measuredM: 0.1, reward: 0, definition: "d", success: false, subjectId: "obj-0", targetId: "obj-1", ms: 1, objects: [] }) as EventBody;
    const frames = (out: string[]) => out.length;
    // Attempt 1 streams frames 0 and 1 and dies; attempt 2 repeats them and goes on to frame 2.
    const admitted = run([[accepted], [assigned(1), 1], [task, 1], [frame(0), 1], [frame(1), 1], [assigned(2), 2], [task, 2], [frame(0), 2], [frame(1), 2], [frame(2), 2], [frame(MAX_REWARD_FRAMES), 2]]);
    expect(admitted).toEqual(["job.accepted", "job.assigned:1", "reward.task", "reward.frame", "reward.frame", "job.assigned:2", "reward.frame"]);
    expect(frames(admitted.filter((t) => t === "reward.frame"))).toBe(3);
  });

  it("admits job.accepted once and job.assigned only for newer attempts", () => {
    expect(run([[accepted], [accepted], [assigned(1)], [assigned(1)], [assigned(2)], [assigned(1)]])).toEqual(["job.accepted", "job.assigned:1", "job.assigned:2"]);
  });

  it("drops runner events of an attempt older than the latest", () => {
    expect(run([[assigned(1)], [started("decode"), 1], [assigned(2)], [completed("decode"), 1], [started("detect"), 1], [completed("decode"), 2]])).toEqual([
      "job.assigned:1", "stage.started:decode", "job.assigned:2", "stage.completed:decode",
    ]);
  });

  it("makes a re-run consistent: stages done by an earlier attempt are not repeated", () => {
    const log = run([
      [accepted], [{ type: "job.queued", position: 0 }], [assigned(1)],
      [accepted, 1], [started("decode"), 1], [completed("decode"), 1], [started("detect"), 1],
      [{ type: "job.queued", position: 0 }], [assigned(2)],
      [accepted, 2], [started("decode"), 2], [completed("decode"), 2], [started("detect"), 2], [started("detect"), 2], [completed("detect"), 2],
      [graph, 2], [{ type: "job.completed", ms: 5 }, 2],
    ]);
    expect(log).toEqual([
      "job.accepted", "job.queued", "job.assigned:1", "stage.started:decode", "stage.completed:decode", "stage.started:detect",
      "job.queued", "job.assigned:2", "stage.started:detect", "stage.completed:detect", "scene.graph", "job.completed",
    ]);
  });

  it("admits each result once: detections, graph, point clouds per object, answers per index", () => {
    const pc = (objectId: string): EventBody => ({ type: "scene.pointcloud", objectId, points: 3 });
    const answer = (index: number): EventBody => ({ type: "answer.final", index, line: { question: "q", answer: { text: "t", type: "text" }, objects: [] } });
    const detections: EventBody = { type: "perception.detections", detections: [] };
    expect(run([[detections], [detections], [pc("obj-0")], [pc("obj-1")], [pc("obj-0")], [answer(0)], [answer(1)], [answer(0)]])).toEqual([
      "perception.detections", "scene.pointcloud", "scene.pointcloud", "answer.final", "answer.final",
    ]);
  });

  it("admits a question's answer.step events only before its answer.final", () => {
    const step = (index: number) => ({ type: "answer.step", index, step: { op: "select", detail: "the cup" } }) as unknown as EventBody;
    const answer = (index: number): EventBody => ({ type: "answer.final", index, line: { question: "q", answer: { text: "t", type: "text" }, objects: [] } });
    expect(run([[step(0)], [step(0)], [answer(0)], [step(0)], [step(1)], [answer(1)]])).toEqual(["answer.step", "answer.step", "answer.final", "answer.step", "answer.final"]);
  });

  it("does not modify the state it is given", () => {
    const state = initialRuleState();
    admit(state, assigned(1));
    admit(state, started("decode"));
    expect(state).toEqual(initialRuleState());
  });
});
