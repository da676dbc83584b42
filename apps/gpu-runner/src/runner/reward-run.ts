// A reward sequence on a runner (protocol/rewards.ts): its frames are perceived in order on the
// runner's pipeline, each frame's scene graph goes through one RewardTracker (the task's objects
// tracked by label and nearest centre), and each frame's reward is streamed the moment it exists.
// The next frame's files are fetched while the current one is perceived. A re-run attempt (the
// first runner died) starts again at frame 0 so the tracks are rebuilt the same way; the job room
// admits only the frames the dead attempt had not streamed. The last frame's results (scene graph,
// depth, masks, points) end the sequence as the job's (follow-up questions then ask about the
// final state, and the job's view shows it).
import { parseRewardTask, RewardTracker, type RewardTask } from "@spatial/shared/reasoning";
import { COCO_LABELS, objectNamesIn, type ObjectObservation, type SceneGraph } from "@spatial/shared";
import type { BlobRef, EventBody, InputObject, Intrinsics, JobSpec, RewardObject, RewardSpec, RewardThresholds } from "@spatial/shared/protocol";
import type { PerceiveRequest, PerceiveResult, PerceptionPipeline } from "../pipeline/perception.js";
import { InputError, isInputError } from "../image/errors.js";
import { fetchBlob, type FetchBlobOptions } from "./blobs.js";
import { observationsFromJob, stageEvents } from "./job-events.js";
import { putStageBlobs } from "./stage-blobs.js";

/** A sequence's frames wherever they come from (the edge's blobs on a runner, files for the CLI). */
export interface RewardSequenceInput {
  task: string;
  frameCount: number;
  /** The frame's image and depth (encoded bytes or paths). */
  loadFrame: (i: number) => Promise<{ image: Buffer | string; depth?: Buffer | string }>;
  objectsOf: (i: number) => InputObject[] | undefined;
  depthScale: number;
  intrinsics?: Intrinsics;
  thresholds: RewardThresholds;
}

export interface RewardRunContext {
  spec: JobSpec & { reward: RewardSpec };
  pipeline: Pick<PerceptionPipeline, "perceive">;
  blobOptions: FetchBlobOptions;
  /** The attempt's key prefix for the last frame's blobs, `out/<jobId>/<attempt>`. */
  outputs: string;
  signal: AbortSignal;
  emit: (event: EventBody) => void;
}

export type RewardEvent = Extract<EventBody, { type: "reward.task" | "reward.frame" }>;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The frame's objects as a reward event carries them: the subject first, then the target, then the rest. */
export function rewardObjects(graph: SceneGraph, firstIds: (string | null)[]): RewardObject[] {
  const objects = graph.objects.map((o) => ({ id: o.id, label: o.label, centerCam: o.centerCam.map(round3) as [number, number, number], sizeM: [round3(o.box.widthM), round3(o.box.lengthM), round3(o.box.heightM)] as [number, number, number] }));
  const rank = (id: string) => (firstIds.includes(id) ? firstIds.indexOf(id) : firstIds.length);
  return objects.sort((a, b) => rank(a.id) - rank(b.id));
}

/** The task read against what the first frame shows, the caller's labels, its own nouns and the detector's classes. */
export function readTask(text: string, graph: SceneGraph, callerLabels: string[]): RewardTask {
  const labels = [...graph.objects.map((o) => o.label), ...callerLabels, ...objectNamesIn(text), ...COCO_LABELS];
  const task = parseRewardTask(text, labels);
  if (!task) throw new InputError("task_unrecognised", `task "${text}": name the object to move and its goal, e.g. "put the apple in the bowl" or "lift the block 10 cm"`);
  return task;
}

/**
 * A job's sequence on a runner: frames from the edge's blob store. Ends with the last frame's
 * results as a one-image job has them (detections, depth map, masks, point clouds, scene graph),
 * so the job's view — image, boxes, depth, 3D — shows the final state the reward was read from.
 */
export async function runRewardSequence({ spec, pipeline, blobOptions, outputs, signal, emit }: RewardRunContext): Promise<void> {
  const { frames, task, thresholds } = spec.reward;
  const fetchOptional = (ref: BlobRef | undefined) => (ref ? fetchBlob(ref, blobOptions) : Promise.resolve(undefined));
  const last = await perceiveRewardSequence({
    task, frameCount: frames.length, thresholds, depthScale: spec.depthScale, ...(spec.intrinsics ? { intrinsics: spec.intrinsics } : {}),
    loadFrame: async (i) => {
      const [image, depth] = await Promise.all([fetchBlob(frames[i].image, blobOptions), fetchOptional(frames[i].depth)]);
      return { image, ...(depth ? { depth } : {}) };
    },
    objectsOf: (i) => frames[i].objects,
  }, pipeline, signal, emit);
  const lastFrame = frames[frames.length - 1];
  const context = {
    depthSource: last.graph.depth.source,
    answering: false,
    // The caller's boxes, as the pipeline already read them (same labels, scores and order).
    ...(lastFrame.objects ? { callerObjects: last.observations } : {}),
  };
  for (const stage of ["detect", "depth", "segment", "lift"] as const) {
    const blobs = await putStageBlobs(stage, last, last.image, outputs, blobOptions);
    signal.throwIfAborted();
    // The results only: a sequence's stages are per frame, and its timings are the frames' `ms`.
    for (const event of stageEvents(stage, 0, last, context, blobs)) if (event.type !== "stage.started" && event.type !== "stage.completed") emit(event);
  }
}

/**
 * Perceives the frames in order and emits `reward.task` then one `reward.frame` per frame; returns
 * the last frame's perception (its scene graph, depth, masks, points). Throws task_objects_not_seen when no frame showed the task's objects.
 */
export async function perceiveRewardSequence(input: RewardSequenceInput, pipeline: Pick<PerceptionPipeline, "perceive">, signal: AbortSignal, emit: (event: RewardEvent) => void): Promise<PerceiveResult> {
  const { task: text, thresholds, frameCount } = input;
  const callerLabels = Array.from({ length: frameCount }, (_, i) => input.objectsOf(i)?.map((o) => o.label.toLowerCase()) ?? []).flat();
  const queries = [...new Set(objectNamesIn(text))];
  let tracker: RewardTracker | null = null;
  let last: PerceiveResult | null = null;
  let seenPair = false;
  let next = input.loadFrame(0);
  for (let i = 0; i < frameCount; i++) {
    signal.throwIfAborted();
    const started = performance.now();
    const { image, depth } = await next;
    // Load the next frame while this one is perceived (a load failure is seen when awaited).
    if (i + 1 < frameCount) (next = input.loadFrame(i + 1)).catch(() => {});
    const objects = input.objectsOf(i);
    const request: PerceiveRequest = {
      image,
      queries,
      ...(depth ? { depth: { input: depth, unitsPerMetre: input.depthScale } } : {}),
      ...(input.intrinsics ? { intrinsics: input.intrinsics } : {}),
      ...(objects ? { objects: async (size: { width: number; height: number }): Promise<ObjectObservation[]> => observationsFromJob(objects, size) } : {}),
    };
    let result: PerceiveResult;
    try {
      result = await pipeline.perceive(request, async () => signal.throwIfAborted());
    } catch (err) {
      if (isInputError(err)) throw new InputError(err.code, `frames[${i}]: ${err.message}`, { cause: err });
      throw err;
    }
    const { graph } = result;
    if (!tracker) {
      const task = readTask(text, graph, callerLabels);
      tracker = new RewardTracker(task, thresholds);
      const { successM, hysteresisM } = tracker.thresholds();
      emit({ type: "reward.task", task, definition: tracker.definition(), successM, hysteresisM, frames: frameCount });
    }
    const reward = tracker.push(graph);
    seenPair ||= reward.measuredM !== null;
    signal.throwIfAborted();
    emit({ type: "reward.frame", ...reward, ms: Math.round((performance.now() - started) * 10) / 10, objects: rewardObjects(graph, [reward.subjectId, reward.targetId]) });
    last = result;
  }
  if (!seenPair) {
    const seen = [...new Set(last!.graph.objects.map((o) => o.label))];
    throw new InputError("task_objects_not_seen", `task "${text}": its objects were not found together in any frame (the last frame shows ${seen.length ? seen.join(", ") : "no objects"})`);
  }
  return last!;
}
