// Questions as programs: the language (schema), the English parser, the executor and the answerer.
export * from "./schema.js";
export { parseProgram, questionTokens, type Parsed, type ParseMode } from "./parse.js";
export { execute, EQUILATERAL_TOLERANCE } from "./execute.js";
export { answerByProgram, programOfQuery, CAPABILITIES, type ProgramAnswer } from "./answer-question.js";
