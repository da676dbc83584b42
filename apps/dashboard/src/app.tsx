// The dashboard: sign-in, then one job live (or reopened from its stored events) across the image,
// depth, 3D, scene-graph, answers and timeline views, with the tenant's recent jobs beside it.
// Selection is one object id shared by every view.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { AuthenticationError, createClient, type DepthMap, type EventOf, type LabelMap, type SpatialClient } from "@spatial/sdk";
import { applyEvent, emptyJob, objectsOfAnswer, type JobState } from "./state/job-state.js";
import { describeError } from "./lib/messages.js";
import { bestMatch } from "./lib/match.js";
import { forgetKey, initialKey, saveKey } from "./lib/session.js";
import type { LengthUnit } from "./lib/units.js";
import { SignIn } from "./views/SignIn.js";
import { JobForm, type JobInput } from "./views/JobForm.js";
import { ImageView, type BoxItem } from "./views/ImageView.js";
import { DepthView } from "./views/DepthView.js";
import { Scene3D } from "./views/Scene3D.js";
import { SceneTable } from "./views/SceneTable.js";
import { Answers } from "./views/Answers.js";
import { Timeline } from "./views/Timeline.js";
import { JobList } from "./views/JobList.js";

type Line = EventOf<"answer.final">["line"];
const BASE = location.origin;
const jobIdInUrl = () => new URLSearchParams(location.search).get("job");

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(null);
  const [signIn, setSignIn] = useState<{ busy: boolean; error: string | null }>({ busy: true, error: null });
  const client = useMemo(() => (apiKey ? createClient({ baseUrl: BASE, apiKey }) : null), [apiKey]);

  const [job, setJob] = useState<JobState>(emptyJob);
  const [questions, setQuestions] = useState<string[]>([]);
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const [depth, setDepth] = useState<DepthMap | null>(null);
  const [masks, setMasks] = useState<LabelMap | null>(null);
  const [clouds, setClouds] = useState<ReadonlyMap<string, Float32Array>>(new Map());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Line | null>(null);
  const [unit, setUnit] = useState<LengthUnit>("m");
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [generation, setGeneration] = useState(0);
  const stream = useRef<AbortController | null>(null);

  /** Checks a key with a cheap authenticated call before keeping it. */
  const trySignIn = useCallback(async (key: string) => {
    setSignIn({ busy: true, error: null });
    try {
      await createClient({ baseUrl: BASE, apiKey: key, retry: { maxRetries: 1 } }).listJobs({ limit: 1 });
      saveKey(key);
      setApiKey(key);
      setSignIn({ busy: false, error: null });
    } catch (e) {
      if (e instanceof AuthenticationError) forgetKey();
      setSignIn({ busy: false, error: describeError(e) });
    }
  }, []);

  useEffect(() => {
    const key = initialKey();
    if (key) void trySignIn(key);
    else setSignIn({ busy: false, error: null });
    // A sign-in link opened in a tab already showing the dashboard changes only the fragment.
    const onHash = () => { const k = initialKey(); if (k && location.hash === "") void trySignIn(k); };
    window.addEventListener("hashchange", onHash);
    // Nothing may fail silently: a stray rejection becomes a message on the page.
    const onRejection = (e: PromiseRejectionEvent) => { e.preventDefault(); setError(describeError(e.reason)); };
    window.addEventListener("unhandledrejection", onRejection);
    return () => {
      window.removeEventListener("unhandledrejection", onRejection);
      window.removeEventListener("hashchange", onHash);
    };
  }, []);

  const reset = (status: JobState["status"]) => {
    stream.current?.abort();
    stream.current = new AbortController();
    setJob({ ...emptyJob(), status });
    setGeneration((g) => g + 1);
    setDepth(null);
    setMasks(null);
    setClouds(new Map());
    setSelectedId(null);
    setChosen(null);
    setError(null);
    for (const name of ["first-box", "scene-populated", "first-answer"]) performance.clearMarks(name);
    return stream.current.signal;
  };

  /** Folds a job's events into the view and fetches the blobs they reference, until the job ends. */
  const follow = async (c: SpatialClient, id: string, signal: AbortSignal, eventsUrl?: string) => {
    let answered = false;
    for await (const e of c.events(id, { signal, ...(eventsUrl ? { eventsUrl } : {}) })) {
      setJob((s) => applyEvent(s, e));
      const blobError = (err: unknown) => { if (!signal.aborted) setError(describeError(err)); };
      if (e.type === "perception.depth" && e.blob) c.getDepth(id, e.blob, { signal }).then(setDepth, blobError);
      else if (e.type === "perception.masks" && e.blob) c.getMasks(id, e.blob, { signal }).then(setMasks, blobError);
      else if (e.type === "scene.pointcloud" && e.blob) c.getPoints(id, e.blob, { signal }).then((xyz) => setClouds((old) => new Map(old).set(e.objectId, xyz)), blobError);
      else if (e.type === "answer.final" && !answered) { answered = true; performance.mark("first-answer"); }
      else if (e.type === "job.failed") setError(`The job failed (${e.code}): ${e.message}`);
    }
    setRefresh((n) => n + 1);
  };

  const run = async (input: JobInput) => {
    if (!client) return;
    const signal = reset("uploading");
    performance.clearMarks("drop");
    performance.mark("drop");
    setQuestions(input.questions);
    setImageUrl(URL.createObjectURL(input.image));
    try {
      const created = await client.createJob({
        image: input.image,
        ...(input.depth ? { depth: input.depth } : {}),
        options: { questions: input.questions, depthScale: input.depthScale, ...(input.intrinsics ? { intrinsics: input.intrinsics } : {}) },
        signal,
      });
      history.pushState(null, "", `?job=${encodeURIComponent(created.job.id)}`);
      setJob((s) => ({ ...s, jobId: created.job.id, status: "streaming" }));
      setRefresh((n) => n + 1);
      await follow(client, created.job.id, signal, created.eventsUrl);
    } catch (e) {
      if (signal.aborted) return;
      setJob((s) => ({ ...s, status: "failed" }));
      setError(describeError(e));
    }
  };

  const open = async (id: string, push = true) => {
    if (!client) return;
    const signal = reset("streaming");
    if (push) history.pushState(null, "", `?job=${encodeURIComponent(id)}`);
    try {
      const view = await client.getJob(id, { signal });
      setQuestions(view.questions);
      // A job whose image is gone still shows everything else.
      setImageUrl(await client.getImage(id, { signal }).then((b) => URL.createObjectURL(b), () => null));
      await follow(client, id, signal);
    } catch (e) {
      if (signal.aborted) return;
      setJob((s) => ({ ...s, status: "failed" }));
      setError(describeError(e));
    }
  };

  useEffect(() => {
    if (!client) return;
    const id = jobIdInUrl();
    if (id) void open(id, false);
    const onPop = () => { const j = jobIdInUrl(); if (j) void open(j, false); else reset("idle"); };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, [client]);

  const followUp = async (question: string) => {
    if (!client || !job.jobId) return;
    try {
      const lines = await client.ask(job.jobId, [question]);
      setJob((s) => ({ ...s, followUps: [...s.followUps, ...lines] }));
    } catch (e) {
      throw new Error(describeError(e));
    }
  };

  const graph = job.graph;
  const boxes: BoxItem[] = graph
    ? graph.objects.map((o, i) => ({ id: o.id, label: o.label, score: o.score, box2d: o.box2d, color: i }))
    : job.detections.map((d, i) => ({ id: null, label: d.label, score: d.score, box2d: d.box2d, color: i }));
  const maskLayer = useMemo(() => {
    if (!masks || !job.masks) return undefined;
    const graphBoxes = graph?.objects.map((o) => o.box2d) ?? [];
    const colors = job.masks.masks.map((m, i) => { const g = bestMatch(m.box2d, graphBoxes); return g >= 0 ? g : i; });
    return { map: masks, colorOfLabel: (label: number) => colors[label - 1] ?? label - 1 };
  }, [masks, job.masks, graph]);
  const highlightIds = useMemo(() => new Set(chosen ? chosen.objects.map((o) => o.id) : []), [chosen]);
  const choose = (line: Line | null) => {
    setChosen(line);
    const first = line && graph ? objectsOfAnswer(graph, line)[0] : undefined;
    setSelectedId(first !== undefined && graph ? graph.objects[first].id : null);
  };

  if (!client || !apiKey) {
    return (
      <main class="signed-out">
        <h1>Spatial</h1>
        <SignIn busy={signIn.busy} error={signIn.error} onSubmit={trySignIn} />
      </main>
    );
  }

  const busy = job.status === "uploading" || job.status === "streaming";
  return (
    <div class="layout" data-status={job.status}>
      <header class="top">
        <h1>Spatial</h1>
        <span class={`status ${job.status}`} role="status" aria-live="polite">{job.jobId ? `job ${job.jobId}: ` : ""}{job.status}</span>
        <nav class="links"><a href="/docs">API docs</a> <button type="button" class="link" onClick={() => { forgetKey(); setApiKey(null); setSignIn({ busy: false, error: null }); }}>Sign out</button></nav>
      </header>
      <aside>
        <JobForm busy={busy} onSubmit={run} />
        <JobList client={client} refresh={refresh} currentId={job.jobId} onOpen={(id) => void open(id)} />
      </aside>
      <main>
        {error && <p role="alert" class="error banner">{error}</p>}
        <div class="grid">
          <ImageView imageUrl={imageUrl} boxes={boxes} {...(maskLayer ? { masks: maskLayer } : {})} selectedId={selectedId} highlightIds={highlightIds} onSelect={setSelectedId} />
          <Scene3D generation={generation} {...(graph ? { graph } : {})} clouds={clouds} selectedId={selectedId} highlightIds={highlightIds} onSelect={setSelectedId} />
          <DepthView depth={depth} {...(job.depth ? { source: job.depth.source, minM: job.depth.minM, maxM: job.depth.maxM } : {})} />
          <Answers questions={questions} answers={job.answers} followUps={job.followUps} canFollowUp={job.status === "completed" && graph !== undefined} running={busy} chosen={chosen} onChoose={choose} onFollowUp={followUp} />
          <SceneTable {...(graph ? { graph } : {})} unit={unit} onUnit={setUnit} selectedId={selectedId} onSelect={setSelectedId} />
          <Timeline running={busy} events={job.events} stages={job.stages} {...(job.totalMs !== undefined ? { totalMs: job.totalMs } : {})} />
        </div>
      </main>
    </div>
  );
}
