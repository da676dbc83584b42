// The items that failed or were skipped, each with its code and the server's message. Read from
// the API (GET /v1/batches/:id/items?status=…, paged), so a big batch's failures are all there
// and items failed together (a cancel fails every queued item at once, with no event each) are
// listed too; the batch's events add the ones that failed since the last read, and a change in
// the failed / skipped counts reads the first pages again.
import { useRef, useState } from "preact/hooks";
import type { SpatialClient } from "@spatial/sdk";
import type { BatchItemView, ItemCounts } from "@spatial/shared/protocol";
import { describeError } from "../lib/messages.js";
import { useThrottledLoad } from "../lib/use-throttled-load.js";
import { mergeFailures, type ItemFailure } from "../state/batch-state.js";

/** Failures per page of each status; a re-read keeps what was shown (up to the API's 500 a page). */
const PAGE = 100;
const ENDED_BADLY = ["failed", "skipped"] as const;
const REREAD_MS = 2000;
const MAX_REREADS = 10;
type Cursors = Record<(typeof ENDED_BADLY)[number], string | null>;

const failureOf = (i: BatchItemView): ItemFailure => ({
  idx: i.idx, itemId: i.itemId, status: i.status === "skipped" ? "skipped" : "failed", code: i.error?.code ?? i.status, message: i.error?.message ?? "",
});

export function BatchFailures(props: { client: SpatialClient; batchId: string; live: ItemFailure[]; counts: ItemCounts }) {
  const { client, batchId } = props;
  const [read, setRead] = useState<ItemFailure[]>([]);
  const [cursors, setCursors] = useState<Cursors>({ failed: null, skipped: null });
  const [error, setError] = useState<string | null>(null);
  const shown = useRef(0);
  const endedBadly = props.counts.failed + props.counts.skipped;

  const readFirstPages = async (signal: AbortSignal) => {
    const limit = Math.min(500, Math.max(PAGE, shown.current));
    try {
      const pages = await Promise.all(ENDED_BADLY.map((status) => client.batches.items(batchId, { status, limit, signal })));
      const rows = pages.flatMap((p) => p.items.map(failureOf));
      shown.current = rows.length;
      setRead(rows);
      setCursors({ failed: pages[0].nextCursor, skipped: pages[1].nextCursor });
      setError(null);
    } catch (e) {
      if (!signal.aborted) setError(describeError(e));
    }
  };
  // Re-read as the counts move (throttled), and again while rows lag the counts.
  useThrottledLoad(readFirstPages, [batchId, endedBadly], { enabled: endedBadly > 0, short: read.length < Math.min(endedBadly, PAGE), rows: read, intervalMs: REREAD_MS, maxRereads: MAX_REREADS });

  const more = async () => {
    const status = cursors.failed ? "failed" : "skipped";
    try {
      const page = await client.batches.items(batchId, { status, limit: PAGE, cursor: cursors[status]! });
      setRead((old) => { const next = [...old, ...page.items.map(failureOf)]; shown.current = next.length; return next; });
      setCursors((c) => ({ ...c, [status]: page.nextCursor }));
    } catch (e) {
      setError(describeError(e));
    }
  };

  const failures = mergeFailures(read, props.live);
  return (
    <section class="card batch-failures" aria-labelledby="failures-title">
      <header><h2 id="failures-title">Failures</h2><span class="hint">{props.counts.failed} failed · {props.counts.skipped} skipped</span></header>
      {error && <p role="alert" class="error">{error}</p>}
      {failures.length === 0 ? <p class="empty">{endedBadly === 0 ? "No item has failed." : "Loading the failed items…"}</p> : (
        <div class="scroll">
          <table>
            <caption class="sr-only">items that failed or were skipped</caption>
            <thead><tr><th scope="col">#</th><th scope="col">item</th><th scope="col">status</th><th scope="col">code</th><th scope="col">message</th></tr></thead>
            <tbody>
              {failures.map((f) => (
                <tr key={f.idx} class={`failure ${f.status}`}>
                  <td>{f.idx}</td><th scope="row">{f.itemId}</th><td>{f.status}</td><td><code class="code">{f.code}</code></td><td class="message">{f.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {(cursors.failed || cursors.skipped) && <button type="button" class="secondary more" onClick={() => void more()}>more failures</button>}
        </div>
      )}
    </section>
  );
}
