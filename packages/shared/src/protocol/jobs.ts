// A job: one image (plus optional depth, intrinsics, the caller's objects and questions) to
// perceive and answer about. This is what the edge stores and what a runner receives.
import { z } from "zod";

export const PIPELINE_VERSION = "spatial-pipeline/1";

const Box2d = z.tuple([z.number(), z.number(), z.number(), z.number()]);

/** Where a blob lives in R2; runners fetch it from the edge with their token (GET /v1/runner/blobs/:key). */
export const BlobRef = z.object({
  key: z.string().min(1),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type BlobRef = z.infer<typeof BlobRef>;

export const EventType = z.enum([
  "job.accepted", "job.queued", "job.assigned", "stage.started", "stage.completed",
  "perception.detections", "perception.depth", "perception.masks", "scene.pointcloud", "scene.graph",
  "answer.final", "job.completed", "job.failed", "job.cancelled",
]);
export type EventType = z.infer<typeof EventType>;

/** The options a client sends with an image (multipart field `options`, JSON). */
export const JobOptions = z.object({
  questions: z.array(z.string().trim().min(1).max(500)).max(50).default([]),
  intrinsics: z.object({ fx: z.number().positive(), fy: z.number().positive(), cx: z.number(), cy: z.number() }).refine((k) => Object.values(k).every(Number.isFinite), "intrinsics must be finite numbers").optional(),
  /** Raw depth units per metre of the uploaded depth PNG. */
  depthScale: z.number().positive().finite().default(1000),
  objects: z.array(z.object({ label: z.string().trim().min(1), box2d: Box2d })).max(200).optional(),
  /** Which event types to stream (default all). */
  events: z.array(EventType).optional(),
  /** A public http(s) URL to fetch the image from, instead of uploading it. */
  imageUrl: z.string().url().optional(),
});
export type JobOptions = z.infer<typeof JobOptions>;

/** What a runner is given to run. */
export const JobSpec = z.object({
  jobId: z.string(),
  image: BlobRef,
  depth: BlobRef.optional(),
  depthScale: z.number().positive(),
  intrinsics: JobOptions.shape.intrinsics,
  objects: JobOptions.shape.objects,
  questions: z.array(z.string()),
  pipelineVersion: z.string(),
});
export type JobSpec = z.infer<typeof JobSpec>;

export const JobStatus = z.enum(["queued", "running", "completed", "failed", "cancelled"]);
export type JobStatus = z.infer<typeof JobStatus>;
