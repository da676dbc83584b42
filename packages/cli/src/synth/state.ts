// The resume state of `spatial synth --local`, kept in `<out>/.spatial-synth/`: an append-only
// JSON Lines log of perceived items (the scene graph, or the failure code) and, when point clouds
// are wanted, one binary file of world-frame points per item. A run killed mid-write leaves at most
// one torn last line, which is cut on load (that item is simply perceived again); a later record of
// the same id wins, so every image ends up in the dataset exactly once.
import { appendFile, mkdir, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { hashString, SceneGraph } from "@spatial/shared";
import { safeFileStem } from "@spatial/shared/dataset";

export const STATE_DIR = ".spatial-synth";

export const StateRecord = z.discriminatedUnion("status", [
  z.object({ status: z.literal("done"), id: z.string(), ref: z.string(), graph: SceneGraph, points: z.boolean() }),
  z.object({ status: z.literal("failed"), id: z.string(), ref: z.string(), code: z.string(), message: z.string() }),
]);
export type StateRecord = z.infer<typeof StateRecord>;

const Header = z.object({ version: z.literal(1), input: z.string() });

export class SynthState {
  private constructor(private readonly dir: string, readonly records: Map<string, StateRecord>) {}

  /** Opens (or starts) the state of `input` in `outDir`; refuses an `outDir` that holds another input's run. */
  static async open(outDir: string, input: string): Promise<SynthState> {
    const dir = join(outDir, STATE_DIR);
    await mkdir(join(dir, "points"), { recursive: true });
    const log = join(dir, "state.jsonl");
    const text = await readFile(log, "utf8").catch(() => "");
    if (text === "") {
      await writeFile(log, `${JSON.stringify({ version: 1, input })}\n`);
      return new SynthState(dir, new Map());
    }
    const complete = text.slice(0, text.lastIndexOf("\n") + 1);
    if (complete.length < text.length) await truncate(log, Buffer.byteLength(complete));
    const [first, ...rest] = complete.split("\n").filter(Boolean);
    const header = Header.safeParse(JSON.parse(first));
    if (!header.success) throw Object.assign(new Error(`${log} is not a spatial synth state file: use another --out`), { code: "usage" });
    if (header.data.input !== input) throw Object.assign(new Error(`--out ${outDir} holds a run of ${header.data.input}: use another --out to synthesize ${input}`), { code: "usage" });
    const records = new Map<string, StateRecord>();
    for (const line of rest) {
      const parsed = StateRecord.safeParse(JSON.parse(line));
      if (parsed.success) records.set(parsed.data.id, parsed.data);
    }
    return new SynthState(dir, records);
  }

  private pointsPath(id: string): string {
    return join(this.dir, "points", `${safeFileStem(id, hashString)}.f32`);
  }

  /** Records a perceived item; its points (object order of the graph, counts in a small header) first. */
  async done(id: string, ref: string, graph: SceneGraph, points?: Map<string, Float32Array>): Promise<void> {
    if (points) {
      const counts = graph.objects.map((o) => points.get(o.id)?.length ?? 0);
      const head = new Uint32Array([counts.length, ...counts]);
      const body = Buffer.concat([Buffer.from(head.buffer), ...graph.objects.map((o) => { const p = points.get(o.id); return p ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : Buffer.alloc(0); })]);
      await writeFile(this.pointsPath(id), body);
    }
    await this.append({ status: "done", id, ref, graph, points: points !== undefined });
  }

  async failed(id: string, ref: string, code: string, message: string): Promise<void> {
    await this.append({ status: "failed", id, ref, code, message });
  }

  private async append(record: StateRecord): Promise<void> {
    this.records.set(record.id, record);
    await appendFile(join(this.dir, "state.jsonl"), `${JSON.stringify(record)}\n`);
  }

  async points(id: string, graph: SceneGraph): Promise<Map<string, Float32Array> | undefined> {
    const bytes = await readFile(this.pointsPath(id)).catch(() => null);
    if (!bytes) return undefined;
    const aligned = new Uint8Array(bytes).buffer;
    const n = new Uint32Array(aligned, 0, 1)[0];
    if (n !== graph.objects.length) return undefined;
    const counts = new Uint32Array(aligned, 4, n);
    const out = new Map<string, Float32Array>();
    let at = 4 + 4 * n;
    graph.objects.forEach((o, i) => {
      if (counts[i] > 0) out.set(o.id, new Float32Array(aligned.slice(at, at + counts[i] * 4)));
      at += counts[i] * 4;
    });
    return out;
  }
}
