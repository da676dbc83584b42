// What travels on the batch queue. Every message is idempotent: D1 says what is already done, so a
// redelivered or reconciled message finds its work finished and does nothing.
export type BatchMessage =
  /** Insert items [from, from + count) of the batch's normalized item list and queue their starts. */
  | { kind: "expand"; batchId: string; from: number }
  /** Create the job of one item (once: its job is keyed by the item). */
  | { kind: "start"; batchId: string; idx: number }
  /** An item's job ended: record the item's result (QA pairs) or failure. */
  | { kind: "ended"; batchId: string; idx: number; jobId: string }
  /** Every item is done, failed or skipped: write the outputs and complete the batch. */
  | { kind: "finalize"; batchId: string };
