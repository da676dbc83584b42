// The tenant's batches, newest first (GET /v1/batches, "more" follows the cursor): id, status,
// done / failed / total with a small bar, QA pairs and when it was created. Refreshed every few
// seconds while one of them is unfinished.
import type { SpatialClient } from "@spatial/sdk";
import type { BatchView } from "@spatial/shared/protocol";
import { useCursorList } from "../lib/use-cursor-list.js";
import { isFinished } from "../state/batch-state.js";
import type { LinkProps } from "../app.js";
import { ProgressBar } from "./BatchProgress.js";

const PAGE = 20;

export function BatchList(props: { client: SpatialClient; link: LinkProps }) {
  const list = useCursorList(async (from) => {
    const page = await props.client.batches.list({ limit: PAGE, ...(from ? { cursor: from } : {}) });
    return { items: page.batches, nextCursor: page.nextCursor };
  }, (b) => !isFinished(b));
  const { items: batches, cursor, error, unfinished } = list;

  return (
    <main class="batches-page">
      <section class="card batch-list" aria-labelledby="batches-title">
        <header><h2 id="batches-title">Batches</h2><span class="hint">newest first{unfinished ? " · refreshing while one runs" : ""}</span></header>
        {error && <p role="alert" class="error">{error}</p>}
        {batches === null && !error && <p class="empty">Loading…</p>}
        {batches?.length === 0 && <p class="empty">No batches yet. Create one with the SDK (<code>client.batches.create</code>), <code>spatial synth</code> or <code>POST /v1/batches</code>.</p>}
        {batches && batches.length > 0 && (
          <table>
            <caption class="sr-only">the account's batches</caption>
            <thead><tr><th scope="col">batch</th><th scope="col">status</th><th scope="col">progress</th><th scope="col">done</th><th scope="col">failed</th><th scope="col">total</th><th scope="col">QA pairs</th><th scope="col">created</th></tr></thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.id} data-batch={b.id}>
                  <th scope="row"><a {...props.link({ page: "batch", batchId: b.id, item: null })}><code>{b.id}</code></a></th>
                  <td><span class={`status ${b.status}`}>{b.status}</span></td>
                  <td class="bar-cell"><ProgressBar view={b} label={`batch ${b.id}`} /></td>
                  <td>{b.counts.done}</td>
                  <td class={b.counts.failed > 0 ? "error" : ""}>{b.counts.failed}{b.counts.skipped > 0 ? <small> +{b.counts.skipped} skipped</small> : null}</td>
                  <td>{b.total}</td>
                  <td>{b.qaPairs}</td>
                  <td><time dateTime={b.createdAt}>{new Date(b.createdAt).toLocaleString()}</time></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor && <button type="button" onClick={() => void list.more(cursor)}>More batches</button>}
      </section>
    </main>
  );
}
