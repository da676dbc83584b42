// Dense reward and success detection over a sequence of frames (SpatialVLM's robot application):
// each frame is a scene graph; a task names a subject, a target and a goal relation. Per frame:
// the measured quantity, a dense reward in [0, 1], a success flag with a threshold and hysteresis,
// and the tracked objects.
// - Tracking: objects keep their identity from frame to frame by label (or concept: "mug" finds a
//   "cup") and the nearest centre in the camera frame (the camera is fixed while a robot works; a
//   world frame re-fitted per frame could wobble). A candidate farther than `maxJumpM` from the last position is not the same
//   object; the track then holds its last object and the frame says it was not seen.
// - Rewards (reward = progress from the first frame's value towards the goal, clamped to [0, 1]):
//   approach: the gap between the solids, goal 0 ("move the gripper to the can");
//   place:    the gap plus the horizontal offset of the subject's centre from the target's, goal 0
//             ("put the apple in / on the bowl");
//   relation: how far the subject still is from being clearly <relation> the target along its
//             axis (relations.ts margins), goal 0 ("put the cup left of the plate");
//   lift:     the rise of the subject's bottom since the first frame, goal `heightM`.
// - Success: the quantity within `successM` of the goal turns it on; it turns off only once the
//   quantity is more than `successM + hysteresisM` away, so depth noise near the threshold does not
//   make it flicker.
import { z } from "zod";
import { measure } from "../spatial/measurements.js";
import type { SceneGraph, SceneObject } from "../spatial/scene-graph.js";
import { conceptOf, displayLabel, normalizeLabel } from "../spatial/lexicon.js";

export const RewardTask = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("approach"), subject: z.string(), target: z.string() }),
  z.object({ kind: z.literal("place"), subject: z.string(), target: z.string() }),
  z.object({ kind: z.literal("relation"), subject: z.string(), target: z.string(), relation: z.enum(["left", "right", "behind", "in_front"]) }),
  z.object({ kind: z.literal("lift"), subject: z.string(), heightM: z.number().positive() }),
]);
export type RewardTask = z.infer<typeof RewardTask>;

export const RewardOptions = z.object({
  /** The quantity within this of its goal counts as success (metres). */
  successM: z.number().nonnegative().default(0.03),
  /** Success turns off only beyond successM + hysteresisM. */
  hysteresisM: z.number().nonnegative().default(0.03),
  /** A tracked object moves at most this much between consecutive frames (metres). */
  maxJumpM: z.number().positive().default(0.5),
});
export type RewardOptions = z.input<typeof RewardOptions>;

export const FrameReward = z.object({
  frame: z.number().int().nonnegative(),
  /** The measured quantity, metres (see `definition`); null when an object was not seen. */
  measuredM: z.number().nullable(),
  reward: z.number().min(0).max(1),
  definition: z.string(),
  success: z.boolean(),
  subjectId: z.string().nullable(),
  targetId: z.string().nullable(),
});
export type FrameReward = z.infer<typeof FrameReward>;

const DEFINITIONS: Record<RewardTask["kind"], string> = {
  approach: "gap between the subject and the target (metres); reward = 1 − gap / first gap",
  place: "gap plus horizontal offset of the subject's centre from the target's (metres); reward = 1 − value / first value",
  relation: "distance still to go along the relation's axis until the subject is clearly on that side of the target (metres); reward = 1 − value / first value",
  lift: "rise of the subject's bottom since the first frame (metres); reward = rise / goal height",
};

const AXIS = { left: [0, -1], right: [0, 1], behind: [1, 1], in_front: [1, -1] } as const;
const EXTENT = { 0: "widthM", 1: "lengthM" } as const;

const camDistance = (a: SceneObject, b: SceneObject) => Math.hypot(a.centerCam[0] - b.centerCam[0], a.centerCam[1] - b.centerCam[1], a.centerCam[2] - b.centerCam[2]);
const bottomM = (o: SceneObject) => o.box.center[2] - o.box.heightM / 2;

/**
 * Whether an object is what a task's term names: the same label, or the same concept ("mug" and
 * "cup" are one concept in the lexicon; a detector says "cup", a person writes "mug").
 */
export function namesObject(term: string, object: Pick<SceneObject, "label">): boolean {
  const t = normalizeLabel(term);
  if (normalizeLabel(object.label) === t || displayLabel(object.label) === displayLabel(term)) return true;
  const concept = conceptOf(term);
  return concept !== null && conceptOf(object.label) === concept;
}

const located = (graph: SceneGraph, term: string) => graph.objects.filter((o) => o.pointCount > 0 && namesObject(term, o));

/** The object `term` names nearest `last` (within `maxJumpM`), or the first one when there is no last. */
export function trackObject(graph: SceneGraph, term: string, last: SceneObject | null, maxJumpM: number): SceneObject | null {
  const candidates = located(graph, term);
  if (candidates.length === 0) return null;
  if (!last) return candidates[0];
  const nearest = candidates.reduce((a, b) => (camDistance(b, last) < camDistance(a, last) ? b : a));
  return camDistance(nearest, last) <= maxJumpM ? nearest : null;
}

/** The first frame's pair: with several candidates, the subject and target closest to each other start the tracks. */
function initialPair(graph: SceneGraph, task: RewardTask): [SceneObject | null, SceneObject | null] {
  const subjects = located(graph, task.subject);
  if (task.kind === "lift") return [subjects[0] ?? null, null];
  const targets = located(graph, task.target);
  let best: [SceneObject | null, SceneObject | null] = [subjects[0] ?? null, targets.find((t) => t !== subjects[0]) ?? null];
  let bestD = Infinity;
  for (const s of subjects) for (const t of targets) if (s !== t && camDistance(s, t) < bestD) { bestD = camDistance(s, t); best = [s, t]; }
  return best;
}

function quantity(graph: SceneGraph, task: RewardTask, s: SceneObject, t: SceneObject | null, firstBottomM: number): number {
  switch (task.kind) {
    case "approach": return (measure(graph, "gap", s, t!) as { valueM: number }).valueM;
    case "place": {
      const gap = (measure(graph, "gap", s, t!) as { valueM: number }).valueM;
      return gap + Math.hypot(s.box.center[0] - t!.box.center[0], s.box.center[1] - t!.box.center[1]);
    }
    case "relation": {
      const [axis, sign] = AXIS[task.relation];
      const extent = EXTENT[axis];
      // Clearly on that side: centres apart by the relation's margin, max(5 cm, 10% of the mean extent).
      const margin = Math.max(0.05, (0.1 * (s.box[extent] + t!.box[extent])) / 2);
      return Math.max(0, margin - sign * (s.box.center[axis] - t!.box.center[axis]));
    }
    case "lift": return bottomM(s) - firstBottomM;
  }
}

/**
 * Frame-by-frame reward state: `push` one frame's scene graph at a time, in order, and get that
 * frame's reward at once (what a runner streams). Tracks, the first frame's value and the success
 * flag carry over from frame to frame.
 */
export class RewardTracker {
  private readonly task: RewardTask;
  private readonly opts: z.output<typeof RewardOptions>;
  private subject: SceneObject | null = null;
  private target: SceneObject | null = null;
  private first: number | null = null;
  private firstBottomM = 0;
  private success = false;
  private last: FrameReward | null = null;
  private frame = 0;

  constructor(task: RewardTask, options: RewardOptions = {}) {
    this.task = RewardTask.parse(task);
    this.opts = RewardOptions.parse(options);
  }

  thresholds(): { successM: number; hysteresisM: number; maxJumpM: number } {
    return { ...this.opts };
  }

  definition(): string {
    return DEFINITIONS[this.task.kind];
  }

  push(graph: SceneGraph): FrameReward {
    const { task } = this;
    const { successM, hysteresisM, maxJumpM } = this.opts;
    const frame = this.frame++;
    const definition = DEFINITIONS[task.kind];
    let s: SceneObject | null, t: SceneObject | null;
    if (this.subject === null) [s, t] = initialPair(graph, task);
    else {
      s = trackObject(graph, task.subject, this.subject, maxJumpM);
      t = task.kind === "lift" ? null : trackObject(graph, task.target, this.target, maxJumpM);
    }
    const seen = s !== null && (task.kind === "lift" || t !== null);
    if (!seen) {
      // Not seen: the reward and success hold their last values (a dropped detection is not a regression).
      return (this.last = { frame, measuredM: null, reward: this.last?.reward ?? 0, definition, success: this.success, subjectId: s?.id ?? null, targetId: t?.id ?? null });
    }
    this.subject = s; this.target = t;
    if (this.first === null) this.firstBottomM = bottomM(s!);
    const value = quantity(graph, task, s!, t, this.firstBottomM);
    this.first ??= value;
    const goal = task.kind === "lift" ? task.heightM : 0;
    const reward = task.kind === "lift" ? clamp01(value / goal) : this.first > 0 ? clamp01(1 - value / this.first) : 1;
    // Lifting higher than asked still succeeds; the other goals are 0 and their values never negative.
    const toGoal = task.kind === "lift" ? Math.max(0, goal - value) : Math.abs(goal - value);
    if (!this.success && toGoal <= successM) this.success = true;
    else if (this.success && toGoal > successM + hysteresisM) this.success = false;
    return (this.last = { frame, measuredM: Math.round(value * 1000) / 1000, reward, definition, success: this.success, subjectId: s!.id, targetId: t?.id ?? null });
  }
}

/**
 * Rewards for every frame of a sequence, in order. Example: a gripper closing from 40 cm to
 * contact over ten frames gives rewards 0, 0.1, …, 1 and success from the frame its gap is ≤ 3 cm.
 */
export function annotateRewards(frames: SceneGraph[], task: RewardTask, options: RewardOptions = {}): FrameReward[] {
  const tracker = new RewardTracker(task, options);
  return frames.map((graph) => tracker.push(graph));
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/**
 * A task from words: "move the gripper to the coke can" (approach), "put the apple in the bowl"
 * (place), "put the cup left of the plate" (relation), "lift the block 10 cm" (lift). Labels are
 * matched against `labels` (the frames' labels), longest first. Returns null when it names none.
 */
export function parseRewardTask(text: string, labels: readonly string[]): RewardTask | null {
  const t = ` ${text.toLowerCase().replace(/[^a-z0-9. ]+/g, " ").replace(/\s+/g, " ")} `;
  const byLength = [...new Set(labels)].sort((a, b) => b.length - a.length);
  const found = byLength.map((label) => ({ label, at: t.search(new RegExp(`\\b${label}s?\\b`)) })).filter((x) => x.at >= 0).sort((a, b) => a.at - b.at);
  const lift = t.match(/\b(?:lift|raise|pick up)\b.*?(\d+(?:\.\d+)?) ?(cm|centimeters?|m|meters?|mm|inches|inch|in)\b/);
  if (lift && found.length >= 1) {
    const scale = { cm: 0.01, centimeter: 0.01, centimeters: 0.01, m: 1, meter: 1, meters: 1, mm: 0.001, inch: 0.0254, inches: 0.0254, in: 0.0254 }[lift[2]] ?? 1;
    return { kind: "lift", subject: found[0].label, heightM: Number(lift[1]) * scale };
  }
  if (found.length < 2) return null;
  const [subject, target] = [found[0].label, found[1].label];
  const between = t.slice(found[0].at, found[1].at);
  if (/\bleft of\b/.test(between)) return { kind: "relation", subject, target, relation: "left" };
  if (/\bright of\b/.test(between)) return { kind: "relation", subject, target, relation: "right" };
  if (/\bbehind\b/.test(between)) return { kind: "relation", subject, target, relation: "behind" };
  if (/\bin front of\b/.test(between)) return { kind: "relation", subject, target, relation: "in_front" };
  if (/\b(?:in|into|on|onto|inside)\b/.test(between) && /\b(?:put|place|drop|set|stack)\b/.test(t)) return { kind: "place", subject, target };
  return { kind: "approach", subject, target };
}
