// Job events, in order, as subscribers (SSE, WebSocket, webhooks) receive them. The job room gives
// each a sequence number `seq` (1, 2, ...), which is also the SSE event id for Last-Event-ID
// resume. Big arrays are never inlined: depth maps, masks and point clouds are BlobRefs.
import { z } from "zod";
import { SceneGraph } from "../spatial/scene-graph.js";
import { AskOutputLine } from "./scene-output.js";
import { BlobRef, JobStatus } from "./jobs.js";

const Box2d = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const Stage = z.enum(["decode", "detect", "depth", "segment", "lift", "answer"]);

/** What a runner reports; the job room adds `seq`, `jobId` and `at`. */
export const EventBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("job.accepted"), imageSha256: z.string(), pipelineVersion: z.string(), cached: z.boolean() }),
  z.object({ type: z.literal("job.queued"), position: z.number().int().nonnegative() }),
  z.object({ type: z.literal("job.assigned"), attempt: z.number().int().positive() }),
  z.object({ type: z.literal("stage.started"), stage: Stage }),
  z.object({ type: z.literal("stage.completed"), stage: Stage, ms: z.number().nonnegative() }),
  z.object({ type: z.literal("perception.detections"), detections: z.array(z.object({ label: z.string(), score: z.number(), box2d: Box2d })) }),
  z.object({ type: z.literal("perception.depth"), source: z.string(), width: z.number().int(), height: z.number().int(), minM: z.number(), medianM: z.number(), maxM: z.number(), validFraction: z.number(), blob: BlobRef.optional() }),
  z.object({ type: z.literal("perception.masks"), masks: z.array(z.object({ objectIndex: z.number().int(), label: z.string(), areaPx: z.number().int(), box2d: Box2d })), blob: BlobRef.optional() }),
  z.object({ type: z.literal("scene.pointcloud"), objectId: z.string(), points: z.number().int(), blob: BlobRef.optional() }),
  z.object({ type: z.literal("scene.graph"), graph: SceneGraph }),
  z.object({ type: z.literal("answer.final"), index: z.number().int().nonnegative(), line: AskOutputLine }),
  z.object({ type: z.literal("job.completed"), ms: z.number().nonnegative() }),
  z.object({ type: z.literal("job.failed"), code: z.string(), message: z.string() }),
  z.object({ type: z.literal("job.cancelled") }),
]);
export type EventBody = z.infer<typeof EventBody>;

export const JobEvent = z.intersection(z.object({ seq: z.number().int().positive(), jobId: z.string(), at: z.string() }), EventBody);
export type JobEvent = z.infer<typeof JobEvent>;

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
