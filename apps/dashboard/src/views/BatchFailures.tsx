// The items that failed or were skipped, each with its code and the server's message, as the
// batch's events reported them.
import type { ItemCounts } from "@spatial/shared/protocol";
import type { ItemFailure } from "../state/batch-state.js";

export function BatchFailures(props: { failures: ItemFailure[]; counts: ItemCounts }) {
  const { failures } = props;
  return (
    <section class="card batch-failures" aria-labelledby="failures-title">
      <header><h2 id="failures-title">Failures</h2><span class="hint">{props.counts.failed} failed · {props.counts.skipped} skipped</span></header>
      {failures.length === 0 ? <p class="empty">No item has failed.</p> : (
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
        </div>
      )}
    </section>
  );
}
