// A new job: an image (dropped or picked), an optional 16-bit depth PNG with its scale and the
// camera intrinsics, and questions (one per line).
import { useState } from "preact/hooks";

export interface JobInput {
  image: File;
  depth?: File;
  depthScale: number;
  intrinsics?: { fx: number; fy: number; cx: number; cy: number };
  questions: string[];
}

function parseIntrinsics(text: string): JobInput["intrinsics"] | "invalid" | undefined {
  if (text.trim() === "") return undefined;
  const v = text.split(",").map((s) => Number(s.trim()));
  if (v.length !== 4 || !v.every(Number.isFinite) || v[0] <= 0 || v[1] <= 0) return "invalid";
  return { fx: v[0], fy: v[1], cx: v[2], cy: v[3] };
}

export function JobForm(props: { busy: boolean; onSubmit: (input: JobInput) => void }) {
  const [image, setImage] = useState<File | null>(null);
  const [depth, setDepth] = useState<File | null>(null);
  const [depthScale, setDepthScale] = useState("1000");
  const [intrinsics, setIntrinsics] = useState("");
  const [questions, setQuestions] = useState("How far apart are the two largest objects?");
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    const k = parseIntrinsics(intrinsics);
    const scale = Number(depthScale);
    if (!image) return setProblem("Choose an image first.");
    if (k === "invalid") return setProblem("Intrinsics need four numbers fx, fy, cx, cy in pixels (focal lengths positive).");
    if (!(scale > 0)) return setProblem("The depth scale must be a positive number of units per metre.");
    setProblem(null);
    props.onSubmit({ image, ...(depth ? { depth } : {}), depthScale: scale, ...(k ? { intrinsics: k } : {}), questions: questions.split("\n").map((q) => q.trim()).filter(Boolean) });
  };

  return (
    <form class="card job-form" aria-labelledby="new-job-title" onSubmit={submit}>
      <h2 id="new-job-title">New job</h2>
      <div
        class={`dropzone${dragging ? " dragging" : ""}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => { e.preventDefault(); setDragging(false); const f = e.dataTransfer?.files[0]; if (f) setImage(f); }}
      >
        <label for="image-input">Image (drop it here or pick one)</label>
        <input id="image-input" type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => setImage(e.currentTarget.files?.[0] ?? null)} />
        <span class="hint">{image ? `${image.name}, ${(image.size / 1024).toFixed(0)} KiB` : "JPEG, PNG or WebP"}</span>
      </div>
      <label for="depth-input">Depth map (optional, 16-bit PNG)</label>
      <input id="depth-input" type="file" accept="image/png" onChange={(e) => setDepth(e.currentTarget.files?.[0] ?? null)} />
      <div class="row">
        <div>
          <label for="depth-scale">Depth units per metre</label>
          <input id="depth-scale" inputMode="decimal" value={depthScale} onInput={(e) => setDepthScale(e.currentTarget.value)} />
        </div>
        <div>
          <label for="intrinsics">Intrinsics fx, fy, cx, cy (optional, px)</label>
          <input id="intrinsics" placeholder="518.86, 519.47, 325.58, 253.74" value={intrinsics} onInput={(e) => setIntrinsics(e.currentTarget.value)} />
        </div>
      </div>
      <label for="questions">Questions (one per line)</label>
      <textarea id="questions" rows={3} value={questions} onInput={(e) => setQuestions(e.currentTarget.value)} />
      <button type="submit" disabled={props.busy}>{props.busy ? "Running…" : "Run"}</button>
      {problem && <p role="alert" class="error">{problem}</p>}
    </form>
  );
}
