// The perception runner's public surface: the pipeline, its inputs, and the model store.
export * from "./pipeline/perception.js";
export * from "./pipeline/objects-file.js";
export * from "./runtime/onnx.js";
export * from "./image/errors.js";
export * from "./models/manifest.js";
export * from "./models/registry.js";
export * from "./models/store.js";
export * from "./models/commands.js";
// The runner process's parts: the edge connection, the job loop, event mapping, blobs, the CLI.
export * from "./runner/backoff.js";
export * from "./runner/send-queue.js";
export * from "./runner/connection.js";
export * from "./runner/blobs.js";
export * from "./runner/job-events.js";
export * from "./runner/job-runner.js";
export * from "./runner/reward-run.js";
export * from "./runner/runner.js";
export * from "./runner/pipeline-pool.js";
export * from "./runner/args.js";
