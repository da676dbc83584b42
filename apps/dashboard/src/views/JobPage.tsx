// The jobs page: a new job's form and the tenant's recent jobs beside one job live (or reopened
// from its stored events) across the image, depth, 3D, scene-graph, answers and timeline views.
// Selection is one object id shared by every view; choosing an answer highlights its objects.
import { useEffect, useMemo, useState } from "preact/hooks";
import type { EventOf, SpatialClient } from "@spatial/sdk";
import { objectsOfAnswer } from "../state/job-state.js";
import type { JobHandle } from "../state/use-job.js";
import type { LengthUnit } from "../lib/units.js";
import { JobForm } from "./JobForm.js";
import { ImageView } from "./ImageView.js";
import { DepthView } from "./DepthView.js";
import { Scene3D } from "./Scene3D.js";
import { SceneTable } from "./SceneTable.js";
import { Answers } from "./Answers.js";
import { Timeline } from "./Timeline.js";
import { RewardChart } from "./RewardChart.js";
import { JobList } from "./JobList.js";

type Line = EventOf<"answer.final">["line"];

export function JobPage(props: { client: SpatialClient; jobId: string | null; handle: JobHandle; onOpen: (id: string) => void; onCreated: (id: string) => void }) {
  const h = props.handle;
  const { job } = h;
  const [chosen, setChosen] = useState<Line | null>(null);
  const [unit, setUnit] = useState<LengthUnit>("m");

  // The URL says which job: open it unless it is the one on screen (a run just created it).
  useEffect(() => {
    if (props.jobId && props.jobId !== job.jobId) void h.open(props.jobId);
    else if (!props.jobId && job.status !== "uploading") h.close();
  }, [props.jobId]);
  useEffect(() => setChosen(null), [h.generation]);

  const graph = job.graph;
  const highlightIds = useMemo(() => new Set(chosen ? chosen.objects.map((o) => o.id) : []), [chosen]);
  const choose = (line: Line | null) => {
    setChosen(line);
    const first = line && graph ? objectsOfAnswer(graph, line)[0] : undefined;
    h.setSelectedId(first !== undefined && graph ? graph.objects[first].id : null);
  };
  const busy = job.status === "uploading" || job.status === "streaming";

  return (
    <>
      <aside>
        <JobForm busy={busy} onSubmit={(input) => void h.run(input, props.onCreated)} />
        <JobList client={props.client} refresh={h.refresh} currentId={job.jobId} onOpen={props.onOpen} />
      </aside>
      <main>
        {h.error && <p role="alert" class="error banner">{h.error}</p>}
        <div class="grid">
          <ImageView imageUrl={h.imageUrl} boxes={h.boxes} {...(h.maskLayer ? { masks: h.maskLayer } : {})} selectedId={h.selectedId} highlightIds={highlightIds} onSelect={h.setSelectedId} />
          <Scene3D generation={h.generation} {...(graph ? { graph } : {})} clouds={h.clouds} selectedId={h.selectedId} highlightIds={highlightIds} onSelect={h.setSelectedId} />
          <DepthView depth={h.depth} {...(job.depth ? { source: job.depth.source, minM: job.depth.minM, maxM: job.depth.maxM } : {})} />
          {job.reward && <RewardChart reward={job.reward} running={busy} />}
          <Answers questions={h.questions} answers={job.answers} followUps={job.followUps} canFollowUp={job.status === "completed" && graph !== undefined} running={busy} chosen={chosen} onChoose={choose} onFollowUp={h.followUp} />
          <SceneTable {...(graph ? { graph } : {})} unit={unit} onUnit={setUnit} selectedId={h.selectedId} onSelect={h.setSelectedId} />
          <Timeline running={busy} events={job.events} stages={job.stages} {...(job.totalMs !== undefined ? { totalMs: job.totalMs } : {})} />
        </div>
      </main>
    </>
  );
}
