// The job's events as they landed (ms after the first) and each stage's duration as a bar.
import type { JobEvent } from "@spatial/shared/protocol";
import type { StageTiming } from "../state/job-state.js";

export function Timeline(props: { events: JobEvent[]; stages: StageTiming[]; totalMs?: number; running: boolean }) {
  const t0 = props.events[0] ? Date.parse(props.events[0].at) : 0;
  const longest = Math.max(1, ...props.stages.map((s) => s.durationMs ?? 0));
  return (
    <section class="card timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline {props.totalMs !== undefined && <small>({props.totalMs.toFixed(0)} ms in all)</small>}</h2>
      {props.stages.length > 0 && (
        <table class="stages">
          <caption class="sr-only">stage durations</caption>
          <tbody>
            {props.stages.map((s) => (
              <tr key={s.stage}>
                <th scope="row">{s.stage}</th>
                <td class="bar-cell"><span class="bar" style={{ width: `${(100 * (s.durationMs ?? 0)) / longest}%` }} /></td>
                <td>{s.durationMs !== undefined ? `${s.durationMs.toFixed(0)} ms` : props.running ? "running…" : "did not finish"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ol class="events" aria-label="events">
        {props.events.map((e) => (
          <li key={e.seq}><span class="at">{String(Date.parse(e.at) - t0).padStart(5, " ")} ms</span> <code>#{e.seq} {e.type}</code>{"stage" in e ? ` ${e.stage}` : ""}</li>
        ))}
      </ol>
    </section>
  );
}
