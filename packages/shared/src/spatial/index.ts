// Spatial reasoning on a scene graph: the graph schema, question families, the lead's predicates
// and measurements, templates, human-aligned numbers, QA synthesis, question understanding, answers.
export * from "./scene-graph.js";
export * from "./families.js";
export * from "./relations.js";
export * from "./measurements.js";
export * from "./humanize.js";
export * from "./lexicon.js";
export * from "./references.js";
export * from "./templates/index.js";
export * from "./query.js";
export * from "./answer.js";
export * from "./understand.js";
export * from "./synthesize.js";
export * from "./program/index.js";
