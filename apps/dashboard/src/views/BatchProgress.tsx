// A batch's progress: done / failed / skipped as one stacked bar with the numbers beside it,
// throughput (items per second over the last minutes of results; queue wait before the first is not counted), the time left at that rate, QA pairs so
// far, and the dataset files once it completed (downloaded with the API key, then saved).
import { useState } from "preact/hooks";
import type { SpatialClient } from "@spatial/sdk";
import type { BatchView } from "@spatial/shared/protocol";
import { describeError } from "../lib/messages.js";
import { formatEta, formatThroughput, isFinished, shares } from "../state/batch-state.js";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function ProgressBar(props: { view: BatchView; label: string }) {
  const v = props.view;
  const s = shares(v);
  const ended = v.counts.done + v.counts.failed + v.counts.skipped;
  return (
    <div class="progress" role="progressbar" aria-label={`progress of ${props.label}`} aria-valuemin={0} aria-valuemax={v.total} aria-valuenow={ended} aria-valuetext={`${v.counts.done} done, ${v.counts.failed} failed, ${v.counts.skipped} skipped of ${v.total}`}>
      <span class="done" style={{ width: pct(s.done) }} />
      <span class="skipped" style={{ width: pct(s.skipped) }} />
      <span class="failed" style={{ width: pct(s.failed) }} />
    </div>
  );
}

function save(bytes: Uint8Array, path: string) {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const a = Object.assign(document.createElement("a"), { href: url, download: path.split("/").pop() ?? path });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function BatchProgress(props: { client: SpatialClient; view: BatchView; live: boolean; onCancel: () => Promise<void> }) {
  const v = props.view;
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (what: string, f: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try { await f(); } catch (e) { setError(describeError(e)); } finally { setBusy(null); }
  };
  const finished = isFinished(v);
  return (
    <section class="card batch-progress" aria-labelledby="progress-title" data-status={v.status}>
      <header>
        <h2 id="progress-title">Progress</h2>
        <span class={`status ${v.status}`} role="status" aria-live="polite">{v.status}{props.live && !finished ? " · live" : ""}</span>
      </header>
      <ProgressBar view={v} label="this batch" />
      <dl class="figures">
        <div><dt>done</dt><dd class="done-count">{v.counts.done}</dd></div>
        <div><dt>failed</dt><dd class={v.counts.failed ? "error failed-count" : "failed-count"}>{v.counts.failed}</dd></div>
        <div><dt>skipped</dt><dd>{v.counts.skipped}</dd></div>
        <div><dt>running</dt><dd>{v.counts.running}</dd></div>
        <div><dt>queued</dt><dd>{v.counts.queued}</dd></div>
        <div><dt>total</dt><dd class="total-count">{v.total}</dd></div>
        <div><dt>throughput</dt><dd class="throughput">{formatThroughput(v.imagesPerMinute)}</dd></div>
        <div><dt>time left</dt><dd class="eta">{finished ? "—" : formatEta(v.etaS)}</dd></div>
        <div><dt>QA pairs</dt><dd>{v.qaPairs}</dd></div>
      </dl>
      <p class="hint">created <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>{v.finishedAt ? <> · finished <time dateTime={v.finishedAt}>{new Date(v.finishedAt).toLocaleString()}</time></> : null} · formats: {v.formats.join(", ")}</p>
      {v.error && <p role="alert" class="error">The batch failed ({v.error.code}): {v.error.message}</p>}
      {!finished && <button type="button" class="secondary" disabled={busy !== null} onClick={() => { if (confirm(`Cancel batch ${v.id}? Its queued images fail as cancelled and its running jobs stop.`)) void act("cancel", props.onCancel); }}>{busy === "cancel" ? "Cancelling…" : "Cancel batch"}</button>}
      {v.outputs && v.outputs.length > 0 && (
        <div class="outputs">
          <h3>Dataset files</h3>
          <ul>
            {v.outputs.map((path) => (
              <li key={path}><button type="button" class="link" aria-label={`download ${path}`} disabled={busy !== null} onClick={() => void act(path, async () => save(await props.client.batches.file(v.id, path), path))}>{busy === path ? `${path} …` : path}</button></li>
            ))}
          </ul>
        </div>
      )}
      {error && <p role="alert" class="error">{error}</p>}
    </section>
  );
}
