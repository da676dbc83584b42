// A robot reward sequence as it streams: the task as the runner read it, the reward of every frame
// as a line over the frames (0 at the bottom, 1 at the top), the frames counted as success shaded,
// and the latest frame's measured quantity. Shown only for a job created by POST /v1/rewards.
import type { JobState } from "../state/job-state.js";

const W = 560, H = 160, PAD = 24;

function describeTask(task: NonNullable<JobState["reward"]>["task"]): string {
  if (!task) return "reading the task…";
  const t = task.task;
  if (t.kind === "lift") return `lift the ${t.subject} ${Math.round(t.heightM * 100)} cm`;
  if (t.kind === "relation") return `put the ${t.subject} ${t.relation.replace("_", " ")} ${t.relation === "left" || t.relation === "right" ? "of " : ""}the ${t.target}`;
  return `${t.kind === "place" ? "place" : "move"} the ${t.subject} ${t.kind === "place" ? "in / on" : "to"} the ${t.target}`;
}

export function RewardChart(props: { reward: NonNullable<JobState["reward"]>; running: boolean }) {
  const { task, frames } = props.reward;
  const total = Math.max(task?.frames ?? 0, frames.length, 2);
  const x = (frame: number) => PAD + ((W - 2 * PAD) * frame) / (total - 1);
  const y = (reward: number) => H - PAD - (H - 2 * PAD) * reward;
  const last = frames.at(-1);
  const firstSuccess = frames.find((f) => f.success);
  const line = frames.map((f) => `${x(f.frame).toFixed(1)},${y(f.reward).toFixed(1)}`).join(" ");
  const summary = last
    ? `frame ${last.frame + 1} of ${task?.frames ?? "?"}: reward ${last.reward.toFixed(2)}, ${last.measuredM === null ? "objects not seen" : `measured ${last.measuredM.toFixed(3)} m`}${firstSuccess ? `; success since frame ${firstSuccess.frame + 1}` : "; no success yet"}`
    : props.running ? "waiting for the first frame…" : "no frames";
  return (
    <section class="card reward" aria-labelledby="reward-title">
      <header><h2 id="reward-title">Reward</h2><span class="hint">{describeTask(task)}</span></header>
      <svg class="reward-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`reward per frame; ${summary}`} data-frames={frames.length}>
        <line class="axis" x1={PAD} y1={y(0)} x2={W - PAD} y2={y(0)} />
        <line class="axis goal" x1={PAD} y1={y(1)} x2={W - PAD} y2={y(1)} />
        <text class="tick" x={4} y={y(1) + 4}>1</text>
        <text class="tick" x={4} y={y(0) + 4}>0</text>
        {frames.filter((f) => f.success).map((f) => (
          <rect key={`s${f.frame}`} class="success" x={x(f.frame) - (W - 2 * PAD) / (total - 1) / 2} y={y(1)} width={(W - 2 * PAD) / (total - 1)} height={y(0) - y(1)} />
        ))}
        <polyline class="curve" points={line} />
        {frames.map((f) => <circle key={f.frame} class={f.measuredM === null ? "unseen" : "seen"} cx={x(f.frame)} cy={y(f.reward)} r={3}><title>{`frame ${f.frame + 1}: reward ${f.reward.toFixed(2)}${f.measuredM === null ? ", objects not seen" : `, measured ${f.measuredM.toFixed(3)} m`}${f.success ? ", success" : ""} (${Math.round(f.ms)} ms)`}</title></circle>)}
        <text class="tick" x={PAD} y={H - 6}>frame 1</text>
        <text class="tick end" x={W - PAD} y={H - 6}>{`frame ${total}`}</text>
      </svg>
      <p class="reward-summary" aria-live="polite">{summary}</p>
      {task && <p class="hint">{task.definition}; success within {task.successM} m of the goal (hysteresis {task.hysteresisM} m)</p>}
    </section>
  );
}
