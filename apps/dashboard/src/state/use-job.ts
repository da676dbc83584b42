// One job on screen, live or reopened from its stored events, with the blobs its events reference
// (depth, masks, point clouds) and the object selection shared by every view. Used by the jobs page
// and by the batch QA browser (each batch item is a job). URL handling is the caller's.
import { useMemo, useRef, useState } from "preact/hooks";
import type { DepthMap, LabelMap, SpatialClient } from "@spatial/sdk";
import { applyEvent, emptyJob, type JobState } from "./job-state.js";
import { describeError } from "../lib/messages.js";
import { bestMatch } from "../lib/match.js";
import type { BoxItem } from "../views/ImageView.js";
import type { JobInput } from "../views/JobForm.js";

export function useJob(client: SpatialClient | null) {
  const [job, setJob] = useState<JobState>(emptyJob);
  const [questions, setQuestions] = useState<string[]>([]);
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const [depth, setDepth] = useState<DepthMap | null>(null);
  const [masks, setMasks] = useState<LabelMap | null>(null);
  const [clouds, setClouds] = useState<ReadonlyMap<string, Float32Array>>(new Map());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Bumped when a job ends or starts: lists of jobs reload. */
  const [refresh, setRefresh] = useState(0);
  /** Bumped when another job is shown: the 3D view empties. */
  const [generation, setGeneration] = useState(0);
  const stream = useRef<AbortController | null>(null);

  const showImage = (url: string | null) => setImageUrl((old) => { if (old) URL.revokeObjectURL(old); return url; });

  const reset = (status: JobState["status"]) => {
    stream.current?.abort();
    stream.current = new AbortController();
    setJob({ ...emptyJob(), status });
    setGeneration((g) => g + 1);
    setDepth(null);
    setMasks(null);
    setClouds(new Map());
    setSelectedId(null);
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

  /** Uploads and follows a new job; `onCreated` gets its id as soon as the edge accepted it. */
  const run = async (input: JobInput, onCreated: (id: string) => void) => {
    if (!client) return;
    const signal = reset("uploading");
    performance.clearMarks("drop");
    performance.mark("drop");
    setQuestions(input.questions);
    showImage(URL.createObjectURL(input.image));
    try {
      const created = await client.createJob({
        image: input.image,
        ...(input.depth ? { depth: input.depth } : {}),
        options: { questions: input.questions, depthScale: input.depthScale, ...(input.intrinsics ? { intrinsics: input.intrinsics } : {}) },
        signal,
      });
      setJob((s) => ({ ...s, jobId: created.job.id, status: "streaming" }));
      onCreated(created.job.id);
      setRefresh((n) => n + 1);
      await follow(client, created.job.id, signal, created.eventsUrl);
    } catch (e) {
      if (signal.aborted) return;
      setJob((s) => ({ ...s, status: "failed" }));
      setError(describeError(e));
    }
  };

  /** Shows a stored job: its view, its image and its events replayed (then live, if it still runs). */
  const open = async (id: string) => {
    if (!client) return;
    const signal = reset("streaming");
    showImage(null);
    try {
      const view = await client.getJob(id, { signal });
      setQuestions(view.questions);
      // A job whose image is gone still shows everything else.
      showImage(await client.getImage(id, { signal }).then((b) => URL.createObjectURL(b), () => null));
      await follow(client, id, signal);
    } catch (e) {
      if (signal.aborted) return;
      setJob((s) => ({ ...s, status: "failed" }));
      setError(describeError(e));
    }
  };

  const close = () => { reset("idle"); showImage(null); setQuestions([]); };

  const followUp = async (question: string) => {
    if (!client || !job.jobId) return;
    try {
      const lines = await client.ask(job.jobId, [question]);
      setJob((s) => ({ ...s, followUps: [...s.followUps, ...lines] }));
    } catch (e) {
      throw new Error(describeError(e));
    }
  };

  // What the image view draws: the graph's objects once known (ids, colours by graph index), else detections.
  const graph = job.graph;
  const boxes: BoxItem[] = useMemo(() => graph
    ? graph.objects.map((o, i) => ({ id: o.id, label: o.label, score: o.score, box2d: o.box2d, color: i }))
    : job.detections.map((d, i) => ({ id: null, label: d.label, score: d.score, box2d: d.box2d, color: i })), [graph, job.detections]);
  const maskLayer = useMemo(() => {
    if (!masks || !job.masks) return undefined;
    const graphBoxes = graph?.objects.map((o) => o.box2d) ?? [];
    const colors = job.masks.masks.map((m, i) => { const g = bestMatch(m.box2d, graphBoxes); return g >= 0 ? g : i; });
    return { map: masks, colorOfLabel: (label: number) => colors[label - 1] ?? label - 1 };
  }, [masks, job.masks, graph]);

  return { job, questions, imageUrl, depth, clouds, boxes, maskLayer, selectedId, setSelectedId, error, setError, refresh, generation, run, open, close, followUp };
}

export type JobHandle = ReturnType<typeof useJob>;
