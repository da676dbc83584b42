// Reasoning on top of the scene graph: dense reward / success annotation over frame sequences and
// the optional LLM planner (OpenAI-compatible tool calls validated as query programs).
export * from "./reward.js";
export * from "./llm-planner.js";
