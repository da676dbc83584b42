// The tenant's recent jobs (GET /v1/jobs, newest first, "more" follows the cursor) with status,
// thumbnail and timing; choosing one reopens it from its stored events.
import { useEffect, useState } from "preact/hooks";
import type { JobSummary, SpatialClient } from "@spatial/sdk";
import { useCursorList } from "../lib/use-cursor-list.js";

function Thumbnail(props: { client: SpatialClient; jobId: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | null = null;
    props.client.getImage(props.jobId, { signal: controller.signal })
      .then((b) => setUrl((objectUrl = URL.createObjectURL(b))))
      .catch(() => undefined); // a missing thumbnail is not worth an error message
    return () => { controller.abort(); if (objectUrl) URL.revokeObjectURL(objectUrl); };
  }, [props.jobId]);
  return url ? <img class="thumb" src={url} alt="" /> : <span class="thumb" aria-hidden="true" />;
}

const timing = (j: JobSummary) => (j.finishedAt ? `${((Date.parse(j.finishedAt) - Date.parse(j.createdAt)) / 1000).toFixed(1)} s` : "…");

export function JobList(props: { client: SpatialClient; refresh: number; currentId: string | null; onOpen: (id: string) => void }) {
  // While a listed job is still queued or running, its row is refreshed every few seconds.
  const list = useCursorList(async (from) => {
    const page = await props.client.listJobs({ limit: 10, ...(from ? { cursor: from } : {}) });
    return { items: page.jobs, nextCursor: page.nextCursor };
  }, (j) => j.status === "queued" || j.status === "running", [props.refresh]);
  const { cursor, error } = list;
  const jobs = list.items ?? [];

  return (
    <nav class="card job-list" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Recent jobs</h2>
      {error && <p role="alert" class="error">{error}</p>}
      {jobs.length === 0 && !error && <p class="empty">No jobs yet.</p>}
      <ul>
        {jobs.map((j) => (
          <li key={j.id} class={j.id === props.currentId ? "current" : ""}>
            <a href={`?job=${encodeURIComponent(j.id)}`} aria-current={j.id === props.currentId ? "page" : undefined} onClick={(e) => { e.preventDefault(); props.onOpen(j.id); }}>
              <Thumbnail client={props.client} jobId={j.id} />
              <span class="meta">
                <span class={`status ${j.status}`}>{j.status}{j.cached ? " (cache)" : ""}</span>
                <span class="hint">{new Date(j.createdAt).toLocaleTimeString()} · {timing(j)}</span>
                <span class="hint q">{j.questions[0] ?? "no questions"}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
      {cursor && <button type="button" onClick={() => void list.more(cursor)}>More jobs</button>}
    </nav>
  );
}
