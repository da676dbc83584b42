// A job: one image (plus optional depth, intrinsics, the caller's objects and questions) to
// perceive and answer about. This is what the edge stores and what a runner receives.
import { z } from "zod";
import { MAX_DEPTH_SCALE, MAX_ID_CHARS, MAX_INPUT_OBJECTS, MAX_REWARD_FRAME_OBJECTS, MAX_REWARD_FRAMES, MAX_LABEL_CHARS, MAX_QUESTION_CHARS, MAX_QUESTIONS, MAX_URL_CHARS, MIN_DEPTH_SCALE } from "./limits.js";

export const PIPELINE_VERSION = "spatial-pipeline/1";

const finite = () => z.number().finite();
const Box2d = z.tuple([finite(), finite(), finite(), finite()]);

/** Where a blob lives in R2; runners fetch it from the edge with their token (GET /v1/runner/blobs/:key). */
export const BlobRef = z.object({
  key: z.string().min(1).max(500),
  contentType: z.string().max(100),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type BlobRef = z.infer<typeof BlobRef>;

export const EventType = z.enum([
  "job.accepted", "job.queued", "job.assigned", "stage.started", "stage.completed",
  "perception.detections", "perception.depth", "perception.masks", "scene.pointcloud", "scene.graph",
  "answer.step", "answer.final", "reward.task", "reward.frame", "job.completed", "job.failed", "job.cancelled",
]);
export type EventType = z.infer<typeof EventType>;

/** The options a client sends with an image (multipart field `options`, JSON). */
export const Question = z.string().trim().min(1).max(MAX_QUESTION_CHARS);

/** Pixels. Whether they are plausible for the image (field of view, principal point) is `checkIntrinsics`. */
export const Intrinsics = z.object({ fx: finite().positive(), fy: finite().positive(), cx: finite(), cy: finite() });
export type Intrinsics = z.infer<typeof Intrinsics>;

export const InputObject = z.object({ label: z.string().trim().min(1).max(MAX_LABEL_CHARS), box2d: Box2d });
export type InputObject = z.infer<typeof InputObject>;

export const JobOptions = z.object({
  questions: z.array(Question).max(MAX_QUESTIONS).default([]),
  intrinsics: Intrinsics.optional(),
  /** Raw depth units per metre of the uploaded depth PNG. */
  depthScale: finite().min(MIN_DEPTH_SCALE, `depthScale must be at least ${MIN_DEPTH_SCALE} unit per metre`).max(MAX_DEPTH_SCALE, `depthScale must be at most ${MAX_DEPTH_SCALE} units per metre`).default(1000),
  objects: z.array(InputObject).max(MAX_INPUT_OBJECTS).optional(),
  /** Which event types to stream (default all). */
  events: z.array(EventType).max(EventType.options.length).optional(),
  /** A public http(s) URL to fetch the image from, instead of uploading it. */
  imageUrl: z.string().max(MAX_URL_CHARS).url().optional(),
});
export type JobOptions = z.infer<typeof JobOptions>;

const metres = (max: number) => z.number().finite().nonnegative().max(max);

/** Thresholds of a reward sequence (defaults in reasoning/reward.ts RewardOptions). */
export const RewardThresholds = z.object({
  /** The measured quantity within this of its goal is success (metres, default 0.03). */
  successM: metres(10).optional(),
  /** Success turns off only once the quantity is this much beyond successM (metres, default 0.03). */
  hysteresisM: metres(10).optional(),
  /** A tracked object moves at most this far between consecutive frames (metres, default 0.5). */
  maxJumpM: z.number().finite().positive().max(100).optional(),
});
export type RewardThresholds = z.infer<typeof RewardThresholds>;

/** What a runner is given for a reward sequence (JobSpec.reward). */
export const RewardSpec = z.object({
  task: z.string().max(MAX_QUESTION_CHARS),
  frames: z.array(z.object({ image: BlobRef, depth: BlobRef.optional(), objects: z.array(InputObject).max(MAX_REWARD_FRAME_OBJECTS).optional() })).min(1).max(MAX_REWARD_FRAMES),
  thresholds: RewardThresholds,
});
export type RewardSpec = z.infer<typeof RewardSpec>;

/** What a runner is given to run. */
export const JobSpec = z.object({
  jobId: z.string().max(MAX_ID_CHARS),
  image: BlobRef,
  depth: BlobRef.optional(),
  depthScale: JobOptions.shape.depthScale.unwrap(),
  intrinsics: JobOptions.shape.intrinsics,
  objects: JobOptions.shape.objects,
  questions: z.array(Question).max(MAX_QUESTIONS),
  pipelineVersion: z.string().max(MAX_ID_CHARS),
  /** Set for a reward sequence (protocol/rewards.ts): `image` is its last frame, whose scene ends the job. */
  reward: RewardSpec.optional(),
});
export type JobSpec = z.infer<typeof JobSpec>;

/** A runner pool: runners with the same capabilities, served by one hub. */
export const PoolName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and - (at most 63)");
export type PoolName = z.infer<typeof PoolName>;

export const JobStatus = z.enum(["queued", "running", "completed", "failed", "cancelled"]);
export type JobStatus = z.infer<typeof JobStatus>;
