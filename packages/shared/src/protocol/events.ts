// Job events, in order, as subscribers (SSE, WebSocket, webhooks) receive them. The job room gives
// each a sequence number `seq` (1, 2, ...), which is also the SSE event id for Last-Event-ID
// resume. Big arrays are never inlined: depth maps, masks and point clouds are BlobRefs.
import { z } from "zod";
import { SceneGraph } from "../spatial/scene-graph.js";
import { AskOutputLine } from "./scene-output.js";
import { TraceStep } from "../spatial/program/schema.js";
import { BlobRef, JobStatus } from "./jobs.js";
import { RewardFrameEvent, RewardTaskEvent } from "./rewards.js";
import { MAX_CODE_CHARS, MAX_ID_CHARS, MAX_LABEL_CHARS, MAX_MESSAGE_CHARS, MAX_QUESTIONS, MAX_SCENE_OBJECTS } from "./limits.js";

const finite = () => z.number().finite();
const Box2d = z.tuple([finite(), finite(), finite(), finite()]);
const Label = z.string().max(MAX_LABEL_CHARS);
const Stage = z.enum(["decode", "detect", "depth", "segment", "lift", "answer"]);

/** What a runner reports; the job room adds `seq`, `jobId` and `at`. */
export const EventBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("job.accepted"), imageSha256: z.string().max(64), pipelineVersion: z.string().max(MAX_ID_CHARS), cached: z.boolean() }),
  z.object({ type: z.literal("job.queued"), position: z.number().int().nonnegative() }),
  z.object({ type: z.literal("job.assigned"), attempt: z.number().int().positive() }),
  z.object({ type: z.literal("stage.started"), stage: Stage }),
  z.object({ type: z.literal("stage.completed"), stage: Stage, ms: finite().nonnegative() }),
  z.object({ type: z.literal("perception.detections"), detections: z.array(z.object({ label: Label, score: finite(), box2d: Box2d })).max(MAX_SCENE_OBJECTS) }),
  z.object({ type: z.literal("perception.depth"), source: z.string().max(MAX_ID_CHARS), width: z.number().int(), height: z.number().int(), minM: finite(), medianM: finite(), maxM: finite(), validFraction: finite(), blob: BlobRef.optional() }),
  z.object({ type: z.literal("perception.masks"), masks: z.array(z.object({ objectIndex: z.number().int().nonnegative().max(MAX_SCENE_OBJECTS), label: Label, areaPx: z.number().int(), box2d: Box2d })).max(MAX_SCENE_OBJECTS), blob: BlobRef.optional() }),
  z.object({ type: z.literal("scene.pointcloud"), objectId: z.string().max(MAX_ID_CHARS), points: z.number().int(), blob: BlobRef.optional() }),
  z.object({ type: z.literal("scene.graph"), graph: SceneGraph }),
  /** One step of an answer's reasoning trace, streamed before that answer's `answer.final`. */
  z.object({ type: z.literal("answer.step"), index: z.number().int().nonnegative().max(MAX_QUESTIONS - 1), step: TraceStep }),
  z.object({ type: z.literal("answer.final"), index: z.number().int().nonnegative().max(MAX_QUESTIONS - 1), line: AskOutputLine }),
  /** A reward sequence's task as the runner read it, before its first `reward.frame`. */
  RewardTaskEvent,
  /** One frame of a reward sequence: the measured quantity, reward, success and the frame's objects. */
  RewardFrameEvent,
  z.object({ type: z.literal("job.completed"), ms: finite().nonnegative() }),
  z.object({ type: z.literal("job.failed"), code: z.string().max(MAX_CODE_CHARS), message: z.string().max(MAX_MESSAGE_CHARS) }),
  z.object({ type: z.literal("job.cancelled") }),
]);
export type EventBody = z.infer<typeof EventBody>;

export const JobEvent = z.intersection(z.object({ seq: z.number().int().positive(), jobId: z.string(), at: z.string() }), EventBody);
export type JobEvent = z.infer<typeof JobEvent>;

/**
 * Events only the edge writes: acceptance, queueing and assignment (the hub's own bookkeeping) and
 * cancellation (a client's decision). A runner that sends one is refused: a forged `job.assigned`
 * with a high attempt would make the room drop every later event of the real attempt.
 */
export const EDGE_ONLY_EVENTS: ReadonlySet<EventBody["type"]> = new Set(["job.accepted", "job.queued", "job.assigned", "job.cancelled"]);

/** Events after which a job's stream ends. */
export const TERMINAL_EVENTS: ReadonlySet<EventBody["type"]> = new Set(["job.completed", "job.failed", "job.cancelled"]);

export const JobView = z.object({
  id: z.string(),
  status: JobStatus,
  createdAt: z.string(),
  questions: z.array(z.string()),
  imageSha256: z.string(),
  lastSeq: z.number().int().nonnegative(),
  scene: z.unknown().optional(),
  answers: z.array(AskOutputLine).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type JobView = z.infer<typeof JobView>;
