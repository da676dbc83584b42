// Which events a job room admits into its log, so that subscribers see ONE consistent stream even
// when a job is re-run by another runner after the first one died (the hub replays nothing itself,
// but a new attempt repeats stages the old one had finished). The rule, in order:
//   1. After a terminal event (completed / failed / cancelled) nothing more is admitted.
//   2. A runner event tagged with an attempt older than the latest `job.assigned` is dropped.
//   3. `job.accepted` is admitted once (the edge sends it on creation; a runner's is a repeat).
//   4. `job.assigned {attempt}` is admitted only when `attempt` is newer than the latest one.
//   5. `job.queued` is always admitted (a job goes back to the queue when its runner is lost).
//   6. `stage.completed` is admitted once per stage over the whole job; `stage.started` is dropped
//      for a stage already completed by any attempt, and repeats within one attempt are dropped.
//   7. Results are admitted once: `perception.detections`, `perception.depth`, `perception.masks`,
//      `scene.graph`, `scene.pointcloud` per objectId, `answer.final` per question index.
//   8. The first terminal event is admitted and ends the log; `job.completed` only once a scene graph
//      was admitted (a job is never completed without its scene: the room turns a completion
//      without one into `job.failed incomplete_result`, see JobRoom.append).
//   9. At most MAX_SCENE_OBJECTS point clouds: a runner cannot grow the log without bound.
//  10. `answer.step` only before its question's `answer.final` (a re-run attempt's steps for an
//      answered question are dropped), at most MAX_TRACE_STEPS per question.
//  11. A reward sequence's `reward.task` once and `reward.frame` once per frame index (below
//      MAX_REWARD_FRAMES): a re-run attempt repeats the frames the dead one streamed, and only the
//      frames after them reach the log.
// The state is plain JSON kept in the room's storage.
import { MAX_REWARD_FRAMES, MAX_SCENE_OBJECTS, TERMINAL_EVENTS, type EventBody } from "@spatial/shared/protocol";
import { MAX_TRACE_STEPS } from "@spatial/shared/spatial";

export interface RoomRuleState {
  /** The latest attempt announced by `job.assigned` (0 before any). */
  attempt: number;
  accepted: boolean;
  terminal: EventBody["type"] | null;
  /** Stages started in the current attempt. */
  started: string[];
  completed: string[];
  /** Keys of once-only results already admitted. */
  results: string[];
  /** answer.step events admitted per question index. */
  steps?: Record<number, number>;
}

export const initialRuleState = (): RoomRuleState => ({ attempt: 0, accepted: false, terminal: null, started: [], completed: [], results: [] });

function resultKey(body: EventBody): string | null {
  switch (body.type) {
    case "perception.detections":
    case "perception.depth":
    case "perception.masks":
    case "scene.graph":
      return body.type;
    case "scene.pointcloud":
      return `scene.pointcloud:${body.objectId}`;
    case "answer.final":
      return `answer.final:${body.index}`;
    case "reward.task":
      return body.type;
    case "reward.frame":
      return `reward.frame:${body.frame}`;
    default:
      return null;
  }
}

/** Whether `body` goes into the log, and the state after it. Pure: `state` is not modified. */
export function admit(state: RoomRuleState, body: EventBody, attempt?: number): { admitted: boolean; state: RoomRuleState } {
  const reject = { admitted: false, state };
  if (state.terminal) return reject;
  if (attempt !== undefined && attempt < state.attempt) return reject;
  const next = { ...state };
  switch (body.type) {
    case "job.accepted":
      if (state.accepted) return reject;
      next.accepted = true;
      break;
    case "job.assigned":
      if (body.attempt <= state.attempt) return reject;
      next.attempt = body.attempt;
      next.started = [];
      break;
    case "job.queued":
      break;
    case "stage.started":
      if (state.completed.includes(body.stage) || state.started.includes(body.stage)) return reject;
      next.started = [...state.started, body.stage];
      break;
    case "stage.completed":
      if (state.completed.includes(body.stage)) return reject;
      next.completed = [...state.completed, body.stage];
      break;
    case "job.completed":
      if (!state.results.includes("scene.graph")) return reject;
      break;
    case "answer.step": {
      if (state.results.includes(`answer.final:${body.index}`)) return reject;
      const steps = state.steps ?? {};
      const n = steps[body.index] ?? 0;
      if (n >= MAX_TRACE_STEPS) return reject;
      next.steps = { ...steps, [body.index]: n + 1 };
      break;
    }
    default: {
      const key = resultKey(body);
      if (key) {
        if (state.results.includes(key)) return reject;
        if (body.type === "reward.frame" && body.frame >= MAX_REWARD_FRAMES) return reject;
        if (body.type === "scene.pointcloud" && state.results.filter((r) => r.startsWith("scene.pointcloud:")).length >= MAX_SCENE_OBJECTS) return reject;
        next.results = [...state.results, key];
      }
    }
  }
  if (TERMINAL_EVENTS.has(body.type)) next.terminal = body.type;
  return { admitted: true, state: next };
}
