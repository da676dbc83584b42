// One job as the dashboard sees it: a pure fold of its events, in seq order. Live streams and
// reopened jobs (stored events replayed) go through the same function, so both show the same view.
import type { SceneGraph } from "@spatial/shared";
import type { JobEvent } from "@spatial/shared/protocol";
import type { EventOf } from "@spatial/sdk";

type Detection = EventOf<"perception.detections">["detections"][number];
type AskLine = EventOf<"answer.final">["line"];

export interface StageTiming {
  stage: string;
  /** When the stage started, ms after the job's first event (undefined if only its end was seen). */
  startMs?: number;
  /** Its duration as the runner measured it. */
  durationMs?: number;
}

export interface JobState {
  jobId: string | null;
  status: "idle" | "uploading" | "streaming" | "completed" | "failed" | "cancelled";
  events: JobEvent[];
  detections: Detection[];
  depth?: EventOf<"perception.depth">;
  masks?: EventOf<"perception.masks">;
  /** objectId → its world-frame points blob key. */
  pointClouds: Map<string, { key: string; points: number }>;
  graph?: SceneGraph;
  answers: AskLine[];
  /** Answers asked after the job finished (POST /questions), newest last. */
  followUps: AskLine[];
  stages: StageTiming[];
  totalMs?: number;
  error?: { code: string; message: string };
  /** A robot reward sequence (POST /v1/rewards): the task as read and each frame's reward so far. */
  reward?: { task?: EventOf<"reward.task">; frames: EventOf<"reward.frame">[] };
}

export const emptyJob = (): JobState => ({ jobId: null, status: "idle", events: [], detections: [], pointClouds: new Map(), answers: [], followUps: [], stages: [] });

const msSince = (start: JobEvent | undefined, e: JobEvent) => (start ? Date.parse(e.at) - Date.parse(start.at) : 0);

/** The state after one more event (a new object: Preact compares by identity). Repeats of a seen seq are ignored. */
export function applyEvent(state: JobState, event: JobEvent): JobState {
  if (state.events.some((e) => e.seq === event.seq)) return state;
  const next: JobState = { ...state, jobId: event.jobId, events: [...state.events, event], status: state.status === "idle" || state.status === "uploading" ? "streaming" : state.status };
  const first = next.events[0];
  switch (event.type) {
    case "perception.detections":
      next.detections = event.detections;
      break;
    case "perception.depth":
      next.depth = event;
      break;
    case "perception.masks":
      next.masks = event;
      break;
    case "scene.pointcloud":
      if (event.blob) next.pointClouds = new Map(state.pointClouds).set(event.objectId, { key: event.blob.key, points: event.points });
      break;
    case "scene.graph":
      next.graph = event.graph;
      break;
    case "answer.final": {
      const answers = [...state.answers];
      answers[event.index] = event.line;
      next.answers = answers;
      break;
    }
    case "stage.started":
      next.stages = [...state.stages.filter((s) => s.stage !== event.stage), { stage: event.stage, startMs: msSince(first, event) }];
      break;
    case "stage.completed": {
      const known = state.stages.find((s) => s.stage === event.stage);
      next.stages = known
        ? state.stages.map((s) => (s.stage === event.stage ? { ...s, durationMs: event.ms } : s))
        : [...state.stages, { stage: event.stage, durationMs: event.ms }];
      break;
    }
    case "reward.task":
      next.reward = { frames: state.reward?.frames ?? [], task: event };
      break;
    case "reward.frame":
      next.reward = { ...state.reward, frames: [...(state.reward?.frames ?? []), event].sort((a, b) => a.frame - b.frame) };
      break;
    case "job.completed":
      next.status = "completed";
      next.totalMs = event.ms;
      break;
    case "job.failed":
      next.status = "failed";
      next.error = { code: event.code, message: event.message };
      break;
    case "job.cancelled":
      next.status = "cancelled";
      break;
  }
  return next;
}

export const replay = (events: JobEvent[]): JobState => events.reduce(applyEvent, emptyJob());

/** Indices (into graph.objects) of the objects an answer refers to, matched by id. */
export function objectsOfAnswer(graph: SceneGraph | undefined, line: AskLine): number[] {
  if (!graph) return [];
  const ids = new Set(line.objects.map((o) => o.id));
  return graph.objects.flatMap((o, i) => (ids.has(o.id) ? [i] : []));
}
