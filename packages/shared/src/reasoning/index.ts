// Reasoning on top of the scene graph: dense reward / success annotation over frame sequences, the
// optional LLM planner (OpenAI-compatible tool calls validated as query programs), the optional VLM
// backend (grounded free-form answers) and the order in which a question reaches them.
export * from "./reward.js";
export * from "./llm-planner.js";
export * from "./grounding.js";
export * from "./vlm.js";
export * from "./answer-backends.js";
export type { ChatFetch } from "./chat-fetch.js";
export * from "./vlm-check.js";
