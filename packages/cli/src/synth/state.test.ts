import { appendFile, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeGraph } from "../../../shared/src/spatial/qa-fixtures.js";
import { STATE_DIR, SynthState } from "./state.js";

const graph = makeGraph([{ label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9] }, { label: "table", center: [1, 3, 0.4], size: [1, 1, 0.8] }]);

describe("SynthState", () => {
  it("remembers done and failed items across opens, points included, the latest record winning", async () => {
    const out = await mkdtemp(join(tmpdir(), "synth-state-"));
    const a = await SynthState.open(out, "/in/dir");
    const points = new Map([["obj-1", new Float32Array([1, 2, 3, 4, 5, 6])]]);
    await a.done("img/1", "img/1.png", graph, points);
    await a.failed("img/2", "img/2.png", "image_corrupt", "not an image");
    await a.done("img/2", "img/2.png", graph);
    const b = await SynthState.open(out, "/in/dir");
    expect([...b.records.keys()]).toEqual(["img/1", "img/2"]);
    expect(b.records.get("img/2")?.status).toBe("done");
    expect(b.records.get("img/1")).toMatchObject({ status: "done", points: true, graph: { objects: [{ id: "obj-0" }, { id: "obj-1" }] } });
    expect(await b.points("img/1", graph)).toEqual(points);
  });

  it("cuts a torn last line (a kill mid-write) so later appends stay whole", async () => {
    const out = await mkdtemp(join(tmpdir(), "synth-state-"));
    const a = await SynthState.open(out, "/in");
    await a.failed("x", "x.png", "image_corrupt", "bad");
    await appendFile(join(out, STATE_DIR, "state.jsonl"), '{"status":"done","id":"y","ref":"y.png","gra');
    const b = await SynthState.open(out, "/in");
    expect([...b.records.keys()]).toEqual(["x"]);
    await b.failed("z", "z.png", "image_corrupt", "bad");
    const lines = (await readFile(join(out, STATE_DIR, "state.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).id ?? "header")).toEqual(["header", "x", "z"]);
  });

  it("refuses an --out that holds another input's run", async () => {
    const out = await mkdtemp(join(tmpdir(), "synth-state-"));
    await SynthState.open(out, "/in/a");
    await expect(SynthState.open(out, "/in/b")).rejects.toMatchObject({ code: "usage", message: expect.stringMatching(/holds a run of \/in\/a/) });
  });
});
