// A known scene graph for edge tests (the QA fixtures of packages/shared).
export { livingRoom } from "../../../../packages/shared/src/spatial/qa-fixtures.js";
