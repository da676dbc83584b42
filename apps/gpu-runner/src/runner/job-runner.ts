// Runs the jobs the hub assigns, up to `concurrency` at once on the runner's pipeline (by default a
// pool of worker threads, pipeline-pool.ts; models load once per thread), and streams each job's
// events as its results exist (job-events.ts). A job ends
// with job.completed or job.failed; a cancelled or abandoned one ends silently (the edge says
// job.cancelled, or re-leases it). The pipeline cannot be interrupted inside a stage, so a cancel
// takes effect at the next stage boundary; from the cancel on, nothing more is sent for the job.
// With an in-process pipeline (tests) most work is synchronous on this thread, so a cancel is seen
// at its next yield; with the thread pool this thread stays free and sees it at once.
import { setImmediate } from "node:timers/promises";
import { objectNamesIn } from "@spatial/shared";
import { EventBody, MAX_RUNNER_MESSAGE_BYTES, PROTOCOL_VERSION, type HubMessage, type JobSpec, type RunnerMessage } from "@spatial/shared/protocol";
import type { ObjectObservation } from "@spatial/shared";
import type { PerceiveRequest, PerceptionPipeline } from "../pipeline/perception.js";
import { fetchBlob } from "./blobs.js";
import { putStageBlobs } from "./stage-blobs.js";
import { runRewardSequence } from "./reward-run.js";
import type { AnswerBackends } from "@spatial/shared/reasoning";
import { answerEvents, depthSourceFor, failureEvent, observationsFromJob, ResultTooLargeError, stageEvents } from "./job-events.js";

type Assign = Extract<HubMessage, { type: "job.assign" }>;

/** One line's worth of news about a job, for the log. */
export type JobLogEvent =
  | { type: "started"; jobId: string; leaseId: string; attempt: number }
  | { type: "completed"; jobId: string; ms: number }
  | { type: "failed"; jobId: string; code: string; message: string; ms: number }
  | { type: "stopped"; jobId: string; why: "cancelled" | "abandoned" | "superseded" };

export interface JobRunnerOptions {
  pipeline: Pick<PerceptionPipeline, "perceive">;
  concurrency: number;
  /** Base URL of the edge (http or https), for the blobs. */
  edgeUrl: string;
  token: string;
  /** The metric depth model the pipeline uses when a job has no depth map (null: size priors). */
  depthModel: string | null;
  send: (message: RunnerMessage) => void;
  /** Called when a job stops: its queued, unsent events are of no use any more. */
  discard?: (jobId: string) => void;
  onJob?: (event: JobLogEvent) => void;
  /** The deployment's optional planner / VLM for questions the query language cannot express (args.ts). */
  answerBackends?: AnswerBackends;
}

interface Job {
  spec: JobSpec;
  leaseId: string;
  attempt: number;
  controller: AbortController;
}

class JobStopped extends Error {
  constructor(readonly why: "cancelled" | "abandoned" | "superseded") {
    super(`job ${why}`);
  }
}

export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private running = 0;
  private draining = false;
  private readonly idle: (() => void)[] = [];

  constructor(private readonly options: JobRunnerOptions) {}

  /** Jobs held (running or waiting for a slot): what heartbeats report. */
  activeJobs(): string[] {
    return [...this.jobs.keys()];
  }

  /** Whether the job's events still matter (it has not ended, been cancelled or abandoned). */
  isLive(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Takes job.assign and job.cancel; ignores every other message. */
  handle(message: HubMessage): void {
    if (message.type === "job.assign") this.assign(message);
    else if (message.type === "job.cancel") this.cancel(message.jobId, message.leaseId);
  }

  assign(message: Assign): void {
    const held = this.jobs.get(message.job.jobId);
    if (held?.leaseId === message.leaseId) return; // a repeated assignment (e.g. after reconnect)
    if (held) this.stop(held, "superseded"); // the hub re-leased it: only the new lease counts
    const job: Job = { spec: message.job, leaseId: message.leaseId, attempt: message.attempt, controller: new AbortController() };
    this.jobs.set(job.spec.jobId, job);
    this.waiting.push(job);
    this.pump();
  }

  cancel(jobId: string, leaseId: string): void {
    const job = this.jobs.get(jobId);
    if (job && job.leaseId === leaseId) this.stop(job, "cancelled");
  }

  /** Starts no more jobs and resolves when the running ones have ended (waiting ones stay held). */
  drain(): Promise<void> {
    this.draining = true;
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops every job now; nothing more is sent for any of them. */
  abandon(): void {
    for (const job of [...this.jobs.values()]) this.stop(job, "abandoned");
  }

  private stop(job: Job, why: JobStopped["why"]): void {
    if (this.jobs.get(job.spec.jobId) !== job) return;
    this.jobs.delete(job.spec.jobId);
    const queued = this.waiting.indexOf(job);
    if (queued >= 0) this.waiting.splice(queued, 1);
    job.controller.abort(new JobStopped(why));
    this.options.discard?.(job.spec.jobId);
    this.options.onJob?.({ type: "stopped", jobId: job.spec.jobId, why });
  }

  private pump(): void {
    while (!this.draining && this.running < this.options.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
        this.pump();
      });
    }
  }

  private async run(job: Job): Promise<void> {
    const { spec, leaseId } = job;
    const { signal } = job.controller;
    const started = performance.now();
    const emit = (event: EventBody) => {
      // The hub drops what does not parse, which would leave the job hanging: fail it here instead.
      const checked = EventBody.safeParse(event);
      if (!checked.success) throw new Error(`internal: the runner built an invalid ${event.type} event (${checked.error.issues[0]?.path.join(".")}: ${checked.error.issues[0]?.message})`);
      const message = { v: PROTOCOL_VERSION, type: "job.event", jobId: spec.jobId, leaseId, event } as const;
      const bytes = Buffer.byteLength(JSON.stringify(message));
      if (bytes > MAX_RUNNER_MESSAGE_BYTES) throw new ResultTooLargeError(event.type, bytes, MAX_RUNNER_MESSAGE_BYTES);
      if (!signal.aborted) this.options.send(message);
    };
    this.options.onJob?.({ type: "started", jobId: spec.jobId, leaseId, attempt: job.attempt });
    try {
      const blobOptions = { edgeUrl: this.options.edgeUrl, token: this.options.token, signal };
      if (spec.reward) {
        await runRewardSequence({ spec: { ...spec, reward: spec.reward }, pipeline: this.options.pipeline, blobOptions, outputs: `out/${spec.jobId}/${job.attempt}`, signal, emit });
        return this.complete(job, emit, started);
      }
      emit({ type: "stage.started", stage: "decode" });
      const [image, depth] = await Promise.all([fetchBlob(spec.image, blobOptions), spec.depth ? fetchBlob(spec.depth, blobOptions) : undefined]);
      const fetchMs = performance.now() - started;
      signal.throwIfAborted();

      let callerObjects: ObjectObservation[] | undefined;
      const request: PerceiveRequest = {
        image,
        queries: [...new Set(spec.questions.flatMap(objectNamesIn))],
        ...(depth ? { depth: { input: depth, unitsPerMetre: spec.depthScale } } : {}),
        ...(spec.intrinsics ? { intrinsics: spec.intrinsics } : {}),
        ...(spec.objects ? { objects: async (size: { width: number; height: number }) => (callerObjects = observationsFromJob(spec.objects!, size)) } : {}),
      };
      const context = { depthSource: depthSourceFor(spec, this.options.depthModel), answering: spec.questions.length > 0 };
      const outputs = `out/${spec.jobId}/${job.attempt}`;
      let imageSize: { width: number; height: number } | undefined;
      const { graph } = await this.options.pipeline.perceive(request, async (stage, ms, partial) => {
        // Throwing here is the pipeline's only exit between stages: the next stage never starts.
        signal.throwIfAborted();
        // Big arrays go to the edge's blob store before the events that reference them.
        if (partial.image) imageSize = { width: partial.image.width, height: partial.image.height };
        const blobs = await putStageBlobs(stage, partial, imageSize, outputs, blobOptions);
        signal.throwIfAborted();
        const events = stageEvents(stage, stage === "decode" ? fetchMs + ms : ms, partial, { ...context, ...(callerObjects ? { callerObjects } : {}) }, blobs);
        for (const event of events) emit(event);
      });
      // An in-process pipeline blocks the event loop for most of a job (see the header): give a
      // cancel, a heartbeat or a dropped socket one turn to be seen before answering.
      await setImmediate();
      signal.throwIfAborted();

      if (spec.questions.length > 0) {
        const answerStart = performance.now();
        const answerContext = { backends: this.options.answerBackends ?? {}, image: { bytes: image, contentType: spec.image.contentType }, signal };
        for (const [index, question] of spec.questions.entries()) {
          signal.throwIfAborted();
          for (const event of await answerEvents(index, question, graph, answerContext)) emit(event);
        }
        emit({ type: "stage.completed", stage: "answer", ms: Math.round((performance.now() - answerStart) * 10) / 10 });
      }
      this.complete(job, emit, started);
    } catch (error) {
      if (signal.aborted) return; // cancelled, abandoned or superseded: already reported by stop()
      const failed = failureEvent(error);
      emit(failed);
      this.finish(job);
      this.options.onJob?.({ type: "failed", jobId: spec.jobId, code: failed.code, message: failed.message, ms: Math.round(performance.now() - started) });
    }
  }

  private complete(job: Job, emit: (event: EventBody) => void, started: number): void {
    job.controller.signal.throwIfAborted();
    const ms = Math.round(performance.now() - started);
    emit({ type: "job.completed", ms });
    this.finish(job);
    this.options.onJob?.({ type: "completed", jobId: job.spec.jobId, ms });
  }

  private finish(job: Job): void {
    if (this.jobs.get(job.spec.jobId) === job) this.jobs.delete(job.spec.jobId);
  }
}
