// Messages between WorkerPipelinePool (main thread) and pipeline-thread.ts (a worker thread).
// Everything crosses by structured clone: typed arrays, Maps and plain objects.
import type { PerceiveRequest, PerceiveResult, Stage } from "../pipeline/perception.js";

export interface ThreadError {
  name: string;
  message: string;
  code?: string;
}

export type ToThread =
  | { type: "perceive"; id: string; request: Omit<PerceiveRequest, "objects"> & { callerObjects: boolean } }
  | { type: "ack"; id: string; stop: boolean }
  | { type: "objects"; id: string; objects?: unknown[]; error?: ThreadError }
  | { type: "dispose" };

export type FromThread =
  | { type: "ready" }
  | { type: "stage"; id: string; stage: Stage; ms: number; partial: Partial<PerceiveResult> }
  | { type: "objects"; id: string; size: { width: number; height: number } }
  | { type: "done"; id: string; result: PerceiveResult }
  | { type: "error"; id: string; error: ThreadError }
  | { type: "disposed" };
