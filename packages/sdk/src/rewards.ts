// Robot reward annotation through the SDK: `rewards.stream({ task, frames })` uploads the frames
// (content-addressed: a frame sent twice is stored once), starts the sequence and yields its
// `reward.task` and one `reward.frame` per frame as the runner streams them; a failed or cancelled
// sequence throws JobFailedError. `rewards.get(id)` reads every frame's reward afterwards.
import type { EventOf } from "./events.js";
import type { InputObject, Intrinsics, JobView, RewardThresholds } from "@spatial/shared/protocol";
import { JobFailedError } from "./errors.js";
import { withSignal, type Signal, type Transport } from "./transport.js";

export interface RewardFrame {
  image: Blob | Uint8Array;
  /** 16-bit depth PNG registered to the image (units per metre: `depthScale`). */
  depth?: Blob | Uint8Array;
  /** Your own labelled boxes for this frame instead of detection. */
  objects?: InputObject[];
}

export interface RewardInput extends Signal {
  /** "move the gripper to the coke can", "put the apple in the bowl", "lift the block 10 cm". */
  task: string;
  /** In order, from one camera. */
  frames: RewardFrame[];
  intrinsics?: Intrinsics;
  depthScale?: number;
  thresholds?: RewardThresholds;
  idempotencyKey?: string;
  /** Frames uploaded at once (default 4). */
  uploadConcurrency?: number;
}

export type RewardEvent = EventOf<"reward.task" | "reward.frame">;
type StreamedEvent = RewardEvent | EventOf<"job.completed" | "job.failed" | "job.cancelled">;

export interface RewardView {
  job: JobView;
  task: Omit<EventOf<"reward.task">, "type" | "seq" | "jobId" | "at"> | null;
  frames: Omit<EventOf<"reward.frame">, "type" | "seq" | "jobId" | "at">[];
}

export interface CreatedReward {
  job: JobView;
  eventsUrl: string;
  websocketUrl: string;
}

interface Deps {
  transport: Transport;
  upload: (file: Blob | Uint8Array, kind: "image" | "depth", o?: Signal) => Promise<{ upload: string }>;
  events: (id: string, o: { types: ("reward.task" | "reward.frame")[]; eventsUrl?: string; signal?: AbortSignal }) => AsyncGenerator<StreamedEvent>;
}

/** Runs `fn` over `items` with at most `limit` at once, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export function rewardApi({ transport, upload, events }: Deps) {
  const api = {
    /** Uploads the frames and starts the sequence (answered at once; follow it with `follow`). */
    async create(input: RewardInput): Promise<CreatedReward> {
      const o = withSignal(input);
      const frames = await mapLimited(input.frames, input.uploadConcurrency ?? 4, async (f) => ({
        upload: (await upload(f.image, "image", o)).upload,
        ...(f.depth ? { depth: (await upload(f.depth, "depth", o)).upload } : {}),
        ...(f.objects ? { objects: f.objects } : {}),
      }));
      const body = { task: input.task, frames, ...(input.intrinsics ? { intrinsics: input.intrinsics } : {}), ...(input.depthScale !== undefined ? { depthScale: input.depthScale } : {}), ...(input.thresholds ? { thresholds: input.thresholds } : {}) };
      const headers = { "content-type": "application/json", "idempotency-key": input.idempotencyKey ?? crypto.randomUUID() };
      return transport.json<CreatedReward>("/v1/rewards", { method: "POST", body: JSON.stringify(body), headers, ...o });
    },

    /** A started sequence's task and frames as they stream; throws JobFailedError if it fails. */
    async *follow(id: string, o: Signal & { eventsUrl?: string } = {}): AsyncGenerator<RewardEvent> {
      for await (const event of events(id, { types: ["reward.task", "reward.frame"], ...(o.eventsUrl ? { eventsUrl: o.eventsUrl } : {}), ...withSignal(o) })) {
        if (event.type === "job.failed") throw new JobFailedError(id, event.code, event.message);
        if (event.type === "job.cancelled") throw new JobFailedError(id, "job_cancelled", `reward sequence ${id} was cancelled`);
        if (event.type === "reward.task" || event.type === "reward.frame") yield event;
      }
    },

    /** `create` then `follow`: the task as the runner read it, then each frame's reward in order. */
    async *stream(input: RewardInput): AsyncGenerator<RewardEvent> {
      const created = await api.create(input);
      yield* api.follow(created.job.id, { eventsUrl: created.eventsUrl, ...withSignal(input) });
    },

    get: (id: string, o?: Signal) => transport.json<RewardView>(`/v1/rewards/${encodeURIComponent(id)}`, withSignal(o)),
  };
  return api;
}
