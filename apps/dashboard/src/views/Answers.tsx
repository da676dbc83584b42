// Answers as they arrive, each with how it was worked out (its reasoning trace); choosing one
// highlights its objects everywhere. On a finished job a follow-up question is answered at the
// edge from the stored scene graph (no runner).
import { useState } from "preact/hooks";
import type { EventOf } from "@spatial/sdk";

type Line = EventOf<"answer.final">["line"];
type Step = NonNullable<Line["trace"]>[number];

/**
 * How an answer was worked out: the program's steps with what each selected and measured, or for
 * a VLM's words, each claim checked against the measurements (a contradiction stands out).
 */
/** A VLM claim the measurements contradict (reasoning/vlm-check.ts words its check steps so). */
const contradicts = (s: Step) => s.op === "check" && s.detail.includes("contradicts the measurements");

function Trace(props: { steps: Step[] }) {
  const contradictions = props.steps.filter(contradicts).length;
  return (
    <details class="trace" open={contradictions > 0}>
      <summary>how it was worked out · {props.steps.length} step{props.steps.length === 1 ? "" : "s"}{contradictions > 0 ? ` · ${contradictions} contradicted by the measurements` : ""}</summary>
      <ol>
        {props.steps.map((s, i) => (
          <li key={i} class={`step step-${s.op}${contradicts(s) ? " contradicts" : ""}`}><code>{s.op}</code> {s.detail}</li>
        ))}
      </ol>
    </details>
  );
}

export interface AnswersProps {
  questions: string[];
  answers: Line[];
  followUps: Line[];
  canFollowUp: boolean;
  /** The job is still running: unanswered questions are pending, not unanswered. */
  running: boolean;
  chosen: Line | null;
  onChoose: (line: Line | null) => void;
  onFollowUp: (question: string) => Promise<void>;
}

export function Answers(props: AnswersProps) {
  const [question, setQuestion] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const all = [...props.questions.map((q, i) => props.answers[i] ?? { question: q, pending: true as const }), ...props.followUps];

  const ask = async (e: Event) => {
    e.preventDefault();
    if (!question.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await props.onFollowUp(question.trim());
      setQuestion("");
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card answers" aria-labelledby="answers-title">
      <h2 id="answers-title">Answers</h2>
      {all.length === 0 && <p class="empty">No questions asked.</p>}
      <ol aria-live="polite">
        {all.map((a, i) => "pending" in a ? (
          <li key={i} class="pending"><q>{a.question}</q> <span class="hint">{props.running ? "waiting…" : "not answered"}</span></li>
        ) : (
          <li key={i} class={props.chosen === a ? "chosen" : ""}>
            <button type="button" class="link" aria-pressed={props.chosen === a} onClick={() => props.onChoose(props.chosen === a ? null : a)}>
              <q>{a.question}</q>
            </button>
            <p class="answer-text">{a.answer.text}</p>
            {a.source && a.source !== "program" && (
              // Only the program's answers are measured; a planner's plan was executed by the program, a VLM's words were not.
              <p class={`source source-${a.source}`}>{a.source === "vlm" ? `from the vision-language model ${a.model ?? ""} — its words, not a measurement` : `planned by ${a.model ?? "the LLM planner"}, measured by the program`}</p>
            )}
            {a.objects.length > 0 && <p class="hint">about: {a.objects.map((o) => `${o.label} (${o.id})`).join(", ")}</p>}
            {a.trace && a.trace.length > 0 && <Trace steps={a.trace} />}
          </li>
        ))}
      </ol>
      <form class="follow-up" onSubmit={ask}>
        <label for="follow-up">Ask a follow-up question</label>
        <div class="row">
          <input id="follow-up" value={question} onInput={(e) => setQuestion(e.currentTarget.value)} disabled={!props.canFollowUp || busy} placeholder={props.canFollowUp ? "Which object is closest to the camera?" : "available once the scene graph is stored"} />
          <button type="submit" disabled={!props.canFollowUp || busy || !question.trim()}>{busy ? "Asking…" : "Ask"}</button>
        </div>
        {error && <p role="alert" class="error">{error}</p>}
      </form>
    </section>
  );
}
