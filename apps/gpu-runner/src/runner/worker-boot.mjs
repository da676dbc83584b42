// Worker-thread entry: Node 20 does not apply tsx's loader hooks to a worker's execArgv, so the
// worker registers tsx itself and then loads the TypeScript module named in workerData.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
