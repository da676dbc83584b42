// Wire and output schemas (zod): one name for each schema and its type.
export * from "./scene-output.js";
export * from "./jobs.js";
export * from "./events.js";
export * from "./runner.js";
export * from "./limits.js";
export * from "./plausibility.js";
export * from "./batches.js";
export * from "./rewards.js";
