// Perception in worker threads, behind the pipeline's own `perceive(request, onStage)`: the
// runner's event loop stays free for heartbeats, cancels and its socket while models run, and
// `--concurrency N` uses N cores (one thread, and one set of models, per concurrent job).
// A thread that dies fails its job with an error and is replaced on the next job.
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { InputError, type InputErrorCode } from "../image/errors.js";
import type { PerceiveRequest, PerceiveResult, PipelineOptions, StageListener } from "../pipeline/perception.js";
import type { FromThread, ThreadError, ToThread } from "./pipeline-messages.js";

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  onMessage?: (message: FromThread) => void;
  onDeath?: (error: Error) => void;
}

const BOOT = new URL("./worker-boot.mjs", import.meta.url);
const THREAD = new URL("./pipeline-thread.ts", import.meta.url).href;

function rebuild(e: ThreadError): Error {
  if (e.name === "InputError" && e.code) return new InputError(e.code as InputErrorCode, e.message);
  return Object.assign(new Error(e.message), { name: e.name, ...(e.code ? { code: e.code } : {}) });
}

const describe = (e: unknown): ThreadError => {
  const err = e as Error & { code?: string };
  return { name: err?.name ?? "Error", message: err?.message ?? String(e), ...(err?.code ? { code: err.code } : {}) };
};

export class WorkerPipelinePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private disposed = false;

  /** `size` threads at most, started on first use. */
  constructor(private readonly options: PipelineOptions, private readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`pool size must be a positive integer, got ${size}`);
  }

  private spawn(): Slot {
    const worker = new Worker(BOOT, { workerData: { entry: THREAD, options: this.options } });
    const slot: Slot = { worker, busy: false, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: FromThread) => { if (m.type === "ready") { worker.off("message", onReady); resolve(); } };
      worker.on("message", onReady);
      worker.once("error", reject);
    });
    worker.on("message", (m: FromThread) => slot.onMessage?.(m));
    const die = (error: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      slot.onDeath?.(error);
    };
    worker.once("error", (e) => die(new Error(`the perception thread failed: ${e.message}`)));
    worker.once("exit", (code) => die(new Error(`the perception thread exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }

  private async acquire(): Promise<Slot> {
    if (this.disposed) throw new Error("the perception pool was disposed");
    const slot = this.slots.find((s) => !s.busy) ?? (this.slots.length < this.size ? this.spawn() : await new Promise<Slot>((r) => this.waiting.push(r)));
    slot.busy = true;
    await slot.ready;
    return slot;
  }

  private release(slot: Slot): void {
    slot.busy = false;
    slot.onMessage = slot.onDeath = undefined;
    const next = this.waiting.shift();
    if (next && this.slots.includes(slot)) next(slot);
    else if (next) void this.acquire().then(next);
  }

  async perceive(request: PerceiveRequest, onStage?: StageListener): Promise<PerceiveResult> {
    const slot = await this.acquire();
    const id = randomUUID();
    const send = (m: ToThread) => slot.worker.postMessage(m);
    try {
      return await new Promise<PerceiveResult>((resolve, reject) => {
        let stopError: unknown;
        slot.onDeath = reject;
        slot.onMessage = async (m) => {
          if (!("id" in m) || m.id !== id) return;
          if (m.type === "stage") {
            try {
              await onStage?.(m.stage, m.ms, m.partial);
              send({ type: "ack", id, stop: false });
            } catch (e) {
              stopError = e;
              send({ type: "ack", id, stop: true });
            }
          } else if (m.type === "objects") {
            try {
              const objects = typeof request.objects === "function" ? await request.objects(m.size) : request.objects;
              send({ type: "objects", id, objects: objects ?? [] });
            } catch (e) {
              send({ type: "objects", id, error: describe(e) });
            }
          } else if (m.type === "done") resolve(m.result);
          else if (m.type === "error") reject(m.error.name === "Stopped" && stopError !== undefined ? stopError : rebuild(m.error));
        };
        const { objects, ...rest } = request;
        send({ type: "perceive", id, request: { ...rest, callerObjects: objects !== undefined } });
      });
    } finally {
      this.release(slot);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.slots.map(async (slot) => {
      const done = new Promise<void>((r) => { slot.worker.once("exit", () => r()); slot.worker.on("message", (m: FromThread) => { if (m.type === "disposed") void slot.worker.terminate(); }); });
      slot.worker.postMessage({ type: "dispose" } satisfies ToThread);
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000)).then(() => slot.worker.terminate())]);
    }));
  }
}
