// Runs inside a worker thread: one PerceptionPipeline (its own models), driven by messages from
// WorkerPipelinePool. Each finished stage is posted to the main thread, which answers with an ack
// (after its uploads and events) or a stop (the job was cancelled): the same contract as the
// in-process StageListener, so events keep their order and a cancel ends the job between stages.
import { parentPort, workerData } from "node:worker_threads";
import type { ObjectObservation } from "@spatial/shared";
import { PerceptionPipeline, type PerceiveRequest, type PerceiveResult, type PipelineOptions, type Stage } from "../pipeline/perception.js";
import type { FromThread, ToThread } from "./pipeline-messages.js";

const port = parentPort!;
const pipeline = await PerceptionPipeline.create((workerData as { options: PipelineOptions }).options);
const waiting = new Map<string, (reply: ToThread) => void>();
const post = (message: FromThread) => port.postMessage(message);

function reply(id: string, kind: string): Promise<ToThread> {
  return new Promise((resolve) => waiting.set(`${id}:${kind}`, resolve));
}

class Stopped extends Error {}

/**
 * Only what a stage produced crosses to the main thread (structured clone copies every byte: the
 * full partial would re-send the image at each stage). Listeners read a stage's own results.
 */
function producedBy(stage: Stage, partial: Partial<PerceiveResult>): Partial<PerceiveResult> {
  switch (stage) {
    case "decode": return { image: partial.image };
    case "detect": return { detections: partial.detections };
    case "depth": return { depth: partial.depth };
    case "segment": return { observations: partial.observations };
    case "lift": return { graph: partial.graph, pointsWorld: partial.pointsWorld };
  }
}

async function perceive(id: string, request: Omit<PerceiveRequest, "objects"> & { callerObjects: boolean }): Promise<void> {
  try {
    const { callerObjects, ...cloned } = request;
    // Structured clone turns Buffers into plain Uint8Arrays; the decoders want Buffers back.
    const asBuffer = (x: Buffer | string) => (typeof x === "string" ? x : Buffer.from(x.buffer, x.byteOffset, x.byteLength));
    const rest = { ...cloned, image: asBuffer(cloned.image), ...(cloned.depth ? { depth: { ...cloned.depth, input: asBuffer(cloned.depth.input) } } : {}) };
    const result = await pipeline.perceive(
      {
        ...rest,
        ...(callerObjects
          ? { objects: async (size: { width: number; height: number }) => {
              post({ type: "objects", id, size: { width: size.width, height: size.height } });
              const answer = await reply(id, "objects");
              if (answer.type !== "objects") throw new Stopped();
              if (answer.error) throw Object.assign(new Error(answer.error.message), { name: answer.error.name, code: answer.error.code });
              return answer.objects as ObjectObservation[];
            } }
          : {}),
      },
      async (stage, ms, partial) => {
        post({ type: "stage", id, stage, ms, partial: producedBy(stage, partial) });
        const answer = await reply(id, "ack");
        if (answer.type !== "ack" || answer.stop) throw new Stopped();
      },
    );
    post({ type: "done", id, result });
  } catch (error) {
    const e = error as Error & { code?: string };
    post({ type: "error", id, error: { name: error instanceof Stopped ? "Stopped" : e.name, message: e.message, ...(e.code ? { code: e.code } : {}) } });
  }
}

port.on("message", (message: ToThread) => {
  if (message.type === "perceive") void perceive(message.id, message.request);
  else if (message.type === "dispose") void pipeline.dispose().then(() => post({ type: "disposed" }));
  else waiting.get(`${message.id}:${message.type}`)?.(message), waiting.delete(`${message.id}:${message.type}`);
});
post({ type: "ready" });
