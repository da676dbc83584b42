// The QA browser: pick an image of the batch, see its QA pairs beside the image and the 3D scene of
// the job that perceived it (reopened from the job's stored events, like any job URL). Choosing a
// pair highlights the objects it is about (its object_ids, ids of that job's scene graph) in both.
import { useEffect, useMemo, useState } from "preact/hooks";
import { ConflictError, type SpatialClient } from "@spatial/sdk";
import type { BatchItemQaResponse, BatchItemView, QaPairRow } from "@spatial/shared/protocol";
import { describeError } from "../lib/messages.js";
import { objectCss } from "../lib/colors.js";
import type { JobHandle } from "../state/use-job.js";
import { ImageView } from "./ImageView.js";
import { Scene3D } from "./Scene3D.js";

interface Props {
  client: SpatialClient;
  batchId: string;
  finished: boolean;
  /** Some item has started or ended (its list may still be on its way). */
  started: boolean;
  items: BatchItemView[];
  itemsError: string | null;
  more: (() => void) | null;
  item: number | null;
  onItem: (idx: number) => void;
  handle: JobHandle;
}

const ENDED = new Set(["done", "skipped"]);

function itemLabel(i: BatchItemView): string {
  if (i.status === "done") return `${i.qaPairs ?? 0} QA`;
  return i.error ? `${i.status}: ${i.error.code}` : i.status;
}

export function QaBrowser(props: Props) {
  const h = props.handle;
  const selected = props.items.find((i) => i.idx === props.item) ?? null;
  const [qa, setQa] = useState<BatchItemQaResponse | null>(null);
  const [qaError, setQaError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);

  // The item's job, reopened from its stored events (live if it still runs).
  const jobId = selected?.jobId ?? null;
  useEffect(() => {
    if (jobId) { if (jobId !== h.job.jobId) void h.open(jobId); }
    else h.close();
  }, [jobId]);

  // Its QA pairs once it ended (a running item has none yet: they come when it is done).
  const ended = selected !== null && ENDED.has(selected.status);
  useEffect(() => {
    setQa(null);
    setQaError(null);
    setChosen(null);
    if (!selected || !ended) return;
    const controller = new AbortController();
    props.client.batches.itemQa(props.batchId, selected.idx, { signal: controller.signal }).then(setQa, (e) => {
      if (!controller.signal.aborted) setQaError(e instanceof ConflictError ? e.message : describeError(e));
    });
    return () => controller.abort();
  }, [props.batchId, selected?.idx, ended]);

  const pair: QaPairRow | null = qa?.qa.find((p) => p.id === chosen) ?? null;
  const highlightIds = useMemo(() => new Set(pair?.object_ids ?? []), [pair]);
  const graph = h.job.graph;
  const indexOf = (id: string) => graph?.objects.findIndex((o) => o.id === id) ?? -1;

  return (
    <section class="card qa-browser" aria-labelledby="qa-title">
      <header><h2 id="qa-title">QA browser</h2><span class="hint">pick an image, then a QA pair: its objects light up in the image and in 3D</span></header>
      <div class="item-picker" role="group" aria-label="images of the batch">
        {props.itemsError && <p role="alert" class="error">{props.itemsError}</p>}
        {props.items.length === 0 && !props.itemsError && <p class="empty">{props.finished ? "This batch has no items." : props.started ? "Loading the batch's images…" : "No item has started yet."}</p>}
        <ul>
          {props.items.map((i) => (
            <li key={i.idx}>
              <button type="button" class={`item ${i.status}`} aria-current={i.idx === props.item ? "true" : undefined} aria-label={`image ${i.itemId}: ${i.status}${i.status === "done" ? `, ${i.qaPairs ?? 0} QA pairs` : ""}`} onClick={() => props.onItem(i.idx)}>
                <span class="item-id">{i.itemId}</span> <small class={`status ${i.status}`}>{itemLabel(i)}</small>
              </button>
            </li>
          ))}
        </ul>
        {props.more && <button type="button" class="secondary" onClick={props.more}>More images</button>}
      </div>
      {selected && h.error && <p role="alert" class="error banner qa-job-error">{h.error}</p>}
      {!selected ? (props.items.length > 0 &&
        <p class="empty">{props.item !== null && props.items.length > 0 ? `No image #${props.item} in this batch.` : "Pick an image above to browse its QA pairs."}</p>
      ) : (
        <div class="qa-grid">
          <section class="qa-pairs" aria-labelledby="pairs-title">
            <h3 id="pairs-title">QA pairs of <code>{selected.itemId}</code> {qa && <small>({qa.qa.length})</small>}</h3>
            {selected.error && <p class="error">This image {selected.status === "skipped" ? "was skipped" : "failed"} ({selected.error.code}): {selected.error.message}</p>}
            {!ended && !selected.error && <p class="empty">This image is {selected.status}: its QA pairs come when it is done.</p>}
            {qaError && <p role="alert" class="error">{qaError}</p>}
            {qa && qa.qa.length === 0 && <p class="empty">No QA pairs for this image{qa.skipped ? ` (${qa.skipped.code}: ${qa.skipped.message})` : ""}.</p>}
            {qa && qa.qa.length > 0 && (
              <ol>
                {qa.qa.map((p) => (
                  <li key={p.id} class={p.id === chosen ? "chosen" : ""}>
                    <button type="button" class="link" aria-pressed={p.id === chosen} onClick={() => setChosen(p.id === chosen ? null : p.id)}><q>{p.question}</q></button>
                    <p class="answer-text">{p.answer}</p>
                    <p class="hint">{p.family} · {p.form}{p.value_m !== null ? ` · ${p.value_m.toFixed(2)} m` : ""}</p>
                    {p.id === chosen && (
                      <p class="pair-objects">about:{" "}
                        {p.object_ids.map((id) => {
                          const index = indexOf(id);
                          const object = index >= 0 ? graph!.objects[index] : undefined;
                          return <span key={id} class={`highlighted-object${object ? "" : " missing"}`} data-object-id={id}>{object ? <><span class="swatch" style={{ background: objectCss(index) }} />{object.label}</> : "not in this job's scene graph"} <small>{id}</small></span>;
                        })}
                      </p>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </section>
          <ImageView imageUrl={h.imageUrl} boxes={h.boxes} {...(h.maskLayer ? { masks: h.maskLayer } : {})} selectedId={h.selectedId} highlightIds={highlightIds} onSelect={h.setSelectedId} />
          <Scene3D generation={h.generation} {...(graph ? { graph } : {})} clouds={h.clouds} selectedId={h.selectedId} highlightIds={highlightIds} onSelect={h.setSelectedId} />
        </div>
      )}
    </section>
  );
}
