// One batch: its progress live from the batch's events (SSE through the SDK), the items that
// failed with their codes and messages, and the QA browser over its images. A missing batch (or
// another tenant's) reads as such; so does a refused key.
import { useEffect, useRef, useState } from "preact/hooks";
import { NotFoundError, type SpatialClient } from "@spatial/sdk";
import type { BatchItemView } from "@spatial/shared/protocol";
import { describeError } from "../lib/messages.js";
import { useThrottledLoad } from "../lib/use-throttled-load.js";
import { applyBatchEvent, batchState, isFinished, type BatchState } from "../state/batch-state.js";
import type { JobHandle } from "../state/use-job.js";
import type { LinkProps } from "../app.js";
import { BatchProgress } from "./BatchProgress.js";
import { BatchFailures } from "./BatchFailures.js";
import { QaBrowser } from "./QaBrowser.js";

/** Items listed at once (the rest come with "more"); the list reloads at most every 2 s while the batch runs (a key's default rate limit is 120 requests a minute). */
const ITEMS_PAGE = 200;
const ITEMS_RELOAD_MS = 2000;
const MAX_REREADS = 10;

export function BatchPage(props: { client: SpatialClient; batchId: string; item: number | null; handle: JobHandle; link: LinkProps; onItem: (idx: number) => void }) {
  const { client, batchId } = props;
  const [state, setState] = useState<BatchState | null>(null);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [items, setItems] = useState<BatchItemView[]>([]);
  const [itemsCursor, setItemsCursor] = useState<string | null>(null);
  const [itemsError, setItemsError] = useState<string | null>(null);
  const [changes, setChanges] = useState(0);
  const loaded = useRef(0);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      try {
        const view = await client.batches.get(batchId, { signal });
        setState(batchState(view));
        setLive(true);
        for await (const e of client.batches.events(batchId, { signal })) {
          setState((s) => (s ? applyBatchEvent(s, e) : s));
          setChanges((n) => n + 1);
        }
        // The final view (outputs, finish time) as the API has it now.
        const final = await client.batches.get(batchId, { signal });
        setState((s) => (s ? { ...s, view: final } : s));
      } catch (e) {
        if (signal.aborted) return;
        setError(e instanceof NotFoundError ? `No batch "${batchId}" in this account (${e.code}): ${e.message}. Pick one from the batch list.` : describeError(e));
      } finally {
        if (!signal.aborted) { setLive(false); setChanges((n) => n + 1); }
      }
    })();
    return () => controller.abort();
  }, [batchId]);

  // The items, as many as are shown (a page more with "More images").
  const loadItems = async (from?: string) => {
    try {
      const limit = from ? ITEMS_PAGE : Math.max(ITEMS_PAGE, Math.min(500, loaded.current));
      const page = await client.batches.items(batchId, { limit, ...(from ? { cursor: from } : {}) });
      setItems((old) => { const next = from ? [...old, ...page.items] : page.items; loaded.current = next.length; return next; });
      setItemsCursor(page.nextCursor);
      setItemsError(null);
    } catch (e) {
      setItemsError(describeError(e));
    }
  };
  // Reloaded after events (throttled); a batch cancelled in its first moments ends before its items
  // are all written (they are written failed as they expand): read again until the first page is full.
  const finished = state !== null && isFinished(state.view);
  useThrottledLoad(() => loadItems(), [changes], {
    enabled: state !== null, short: finished && items.length < Math.min(state!.view.total, ITEMS_PAGE), rows: items, intervalMs: ITEMS_RELOAD_MS, maxRereads: MAX_REREADS,
  });

  // An item named in the URL but beyond the pages loaded (a big batch): fetch that one item.
  const [extra, setExtra] = useState<BatchItemView | null>(null);
  const wanted = props.item;
  const listed = wanted !== null && items.some((i) => i.idx === wanted);
  useEffect(() => {
    setExtra(null);
    if (wanted === null || listed || items.length === 0) return;
    const controller = new AbortController();
    client.batches.items(batchId, { limit: 1, ...(wanted > 0 ? { cursor: String(wanted - 1) } : {}), signal: controller.signal })
      .then((page) => setExtra(page.items.find((i) => i.idx === wanted) ?? null), () => undefined);
    return () => controller.abort();
  }, [wanted, listed, items]); // items reload (throttled) as the batch moves: the extra one with them
  const shown = extra && !listed ? [...items, extra] : items;

  const cancel = async () => {
    const view = await client.batches.cancel(batchId);
    setState((s) => (s ? { ...s, view } : s));
  };

  return (
    <main class="batch-page">
      <nav class="crumbs" aria-label="breadcrumb"><a {...props.link({ page: "batches" })}>Batches</a> / <code>{batchId}</code></nav>
      {error && <p role="alert" class="error banner">{error}</p>}
      {!state && !error && <p class="empty">Loading the batch…</p>}
      {state && (
        <>
          <div class="grid">
            <BatchProgress client={client} view={state.view} live={live} onCancel={cancel} />
            <BatchFailures client={client} batchId={batchId} live={state.failures} counts={state.view.counts} />
          </div>
          <QaBrowser client={client} batchId={batchId} finished={isFinished(state.view)} started={state.view.counts.queued < state.view.total} items={shown} itemsError={itemsError} more={itemsCursor ? () => void loadItems(itemsCursor) : null} item={props.item} onItem={props.onItem} handle={props.handle} />
        </>
      )}
    </main>
  );
}
