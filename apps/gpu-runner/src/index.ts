// The perception runner's public surface: the pipeline, its inputs, and the model store.
export * from "./pipeline/perception.js";
export * from "./pipeline/objects-file.js";
export * from "./runtime/onnx.js";
export * from "./image/errors.js";
export * from "./models/manifest.js";
export * from "./models/registry.js";
export * from "./models/store.js";
export * from "./models/commands.js";
