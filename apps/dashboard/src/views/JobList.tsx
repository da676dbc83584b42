// The tenant's recent jobs (GET /v1/jobs, newest first, "more" follows the cursor) with status,
// thumbnail and timing; choosing one reopens it from its stored events.
import { useEffect, useState } from "preact/hooks";
import type { JobSummary, SpatialClient } from "@spatial/sdk";
import { describeError } from "../lib/messages.js";

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
  const [jobs, setJobs] = useState<JobSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (from?: string) => {
    try {
      const page = await props.client.listJobs({ limit: 10, ...(from ? { cursor: from } : {}) });
      setJobs((old) => (from ? [...old, ...page.jobs] : page.jobs));
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => { void load(); }, [props.refresh]);
  // While a listed job is still queued or running, its row is refreshed every few seconds.
  const unfinished = jobs.some((j) => j.status === "queued" || j.status === "running");
  useEffect(() => {
    if (!unfinished) return;
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [unfinished]);

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
      {cursor && <button type="button" onClick={() => load(cursor)}>More jobs</button>}
    </nav>
  );
}
