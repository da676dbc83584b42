// Robot reward annotation (POST /v1/rewards): a sequence of frames from one fixed camera and a task
// in words ("put the apple in the bowl"). The edge stores it as a job whose spec carries `reward`;
// a runner perceives the frames in order, tracks the task's objects across them (reasoning/reward.ts)
// and streams one `reward.frame` event per frame. Frames are uploads (POST /v1/uploads), so a long
// sequence never sits in one request's memory.
import { z } from "zod";
import { FrameReward, RewardTask } from "../reasoning/reward.js";
import { InputObject, Intrinsics, RewardThresholds } from "./jobs.js";
import { UploadId } from "./batches.js";
import { MAX_DEPTH_SCALE, MAX_ID_CHARS, MAX_LABEL_CHARS, MAX_QUESTION_CHARS, MAX_REWARD_FRAME_OBJECTS, MAX_REWARD_FRAMES, MAX_SCENE_OBJECTS, MIN_DEPTH_SCALE } from "./limits.js";


export const RewardFrameInput = z
  .object({
    upload: UploadId,
    depth: UploadId.optional(),
    /** Your own labelled boxes for this frame instead of detection. */
    objects: z.array(InputObject).max(MAX_REWARD_FRAME_OBJECTS).optional(),
  })
  .strict();
export type RewardFrameInput = z.infer<typeof RewardFrameInput>;

export const CreateRewardBody = z
  .object({
    /** What the robot should do, naming the objects and the goal: "move the gripper to the coke can", "lift the block 10 cm". */
    task: z.string().trim().min(1).max(MAX_QUESTION_CHARS),
    frames: z.array(RewardFrameInput).min(1, "a sequence needs at least one frame").max(MAX_REWARD_FRAMES, `at most ${MAX_REWARD_FRAMES} frames in one sequence`),
    /** Shared by every frame (one camera). */
    intrinsics: Intrinsics.optional(),
    depthScale: z.number().finite().min(MIN_DEPTH_SCALE).max(MAX_DEPTH_SCALE).default(1000),
    thresholds: RewardThresholds.strict().default({}),
  })
  .strict();
export type CreateRewardBody = z.input<typeof CreateRewardBody>;

/** An object of one frame, as a reward event carries it (camera frame, metres). */
export const RewardObject = z.object({
  id: z.string().max(MAX_ID_CHARS),
  label: z.string().max(MAX_LABEL_CHARS),
  centerCam: z.tuple([z.number(), z.number(), z.number()]),
  sizeM: z.tuple([z.number(), z.number(), z.number()]),
});
export type RewardObject = z.infer<typeof RewardObject>;

/** Event bodies of a reward sequence (part of EventBody). */
export const RewardTaskEvent = z.object({
  type: z.literal("reward.task"),
  task: RewardTask,
  definition: z.string().max(500),
  successM: z.number(),
  hysteresisM: z.number(),
  frames: z.number().int().positive().max(MAX_REWARD_FRAMES),
});
export const RewardFrameEvent = FrameReward.extend({
  type: z.literal("reward.frame"),
  /** Perception and reward time of this frame on the runner. */
  ms: z.number().finite().nonnegative(),
  objects: z.array(RewardObject).max(MAX_SCENE_OBJECTS),
});
export type RewardFrameEvent = z.infer<typeof RewardFrameEvent>;
