// `spatial ask --local --json` carries the reasoning trace: the contract's fields are unchanged and
// each line gains "trace" (the program's steps with the objects each selected and the value each measured).
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { AskOutputLine } from "../packages/shared/src/protocol/scene-output.js";
import { maskOf, randomScene } from "../packages/shared/src/testing/index.js";
import { completion, startChatServer, userParts } from "../packages/shared/src/reasoning/test-chat-server.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "packages/cli/bin/spatial.js");

describe("spatial ask --json with a trace", () => {
  it("prints the contract's fields and a trace for counting, superlative and family questions", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spatial-reasoning-cli-"));
    const { render } = randomScene(14);
    await sharp(Buffer.from(render.rgb), { raw: { width: render.width, height: render.height, channels: 3 } }).png().toFile(join(dir, "scene.png"));
    const mm = Uint16Array.from(render.depthM, (d) => Math.round(d * 1000));
    await sharp(mm, { raw: { width: render.width, height: render.height, channels: 1 } }).toColourspace("grey16").png().toFile(join(dir, "depth.png"));
    const objects = [];
    for (const o of render.objects.filter((x) => x.box2d)) {
      await sharp(Buffer.from(maskOf(render, o.index).map((v) => (v ? 255 : 0))), { raw: { width: render.width, height: render.height, channels: 1 } }).png().toFile(join(dir, `${o.id}.png`));
      objects.push({ label: o.label, box2d: o.box2d, mask: `${o.id}.png` });
    }
    await writeFile(join(dir, "objects.json"), JSON.stringify({ objects }));
    const [a, b] = render.objects.filter((x) => x.box2d);
    const questions = ["How many objects are there?", "Which object is closest to the camera?", `How far is the ${a.colorName} ${a.label} from the ${b.colorName} ${b.label}?`];
    const k = render.intrinsics;
    const { stdout } = await run(process.execPath, [BIN, "ask", join(dir, "scene.png"), ...questions, "--depth", join(dir, "depth.png"), "--objects", join(dir, "objects.json"), "--intrinsics", `${k.fx},${k.fy},${k.cx},${k.cy}`, "--local", "--json"], { cwd: ROOT, timeout: 60_000 });
    const lines = stdout.trim().split("\n").map((l) => AskOutputLine.parse(JSON.parse(l)));
    expect(lines.map((l) => l.question)).toEqual(questions);
    expect(lines[0].answer).toMatchObject({ type: "number", count: objects.length });
    expect(lines[1].answer.type).toBe("choice");
    expect(lines[2].answer.value_m).toBeGreaterThan(0);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(["answer", "objects", "question", "source", "trace"]);
      expect(line.source).toBe("program");
      expect(line.trace!.length).toBeGreaterThan(0);
      expect(line.trace!.some((s) => s.objectIds.length > 0)).toBe(true);
    }
    expect(lines[1].trace!.map((s) => s.op)).toEqual(["select", "pick"]);
    expect(lines[2].trace!.at(-1)).toMatchObject({ op: "measure", valueM: lines[2].answer.value_m });
  }, 90_000);

  it("with --local and --vlm-url, a free-form question goes to the VLM with the image and the scene's facts", async () => {
    const chat = await startChatServer();
    try {
      chat.reply = () => completion("It looks like a render of simple solids; I cannot tell the material.");
      const dir = await mkdtemp(join(tmpdir(), "spatial-vlm-cli-"));
      const { render } = randomScene(14);
      const png = await sharp(Buffer.from(render.rgb), { raw: { width: render.width, height: render.height, channels: 3 } }).png().toBuffer();
      await writeFile(join(dir, "scene.png"), png);
      const k = render.intrinsics;
      const questions = ["What material are these made of?", "How many objects are there?"];
      const { stdout } = await run(process.execPath, [BIN, "ask", join(dir, "scene.png"), ...questions, "--intrinsics", `${k.fx},${k.fy},${k.cx},${k.cy}`, "--local", "--json", "--vlm-url", chat.baseUrl, "--vlm-model", "cli-vlm"], { cwd: ROOT, timeout: 60_000, env: { ...process.env, SPATIAL_VLM_API_KEY: "cli-key" } });
      const [free, counted] = stdout.trim().split("\n").map((l) => AskOutputLine.parse(JSON.parse(l)));
      expect(free).toMatchObject({ source: "vlm", model: "cli-vlm" });
      expect(free.answer.text).toContain("cannot tell the material");
      expect(counted.source).toBe("program");
      // Only the question the query language cannot express reached the server, with the image as given.
      expect(chat.received).toHaveLength(1);
      expect(chat.received[0].headers.authorization).toBe("Bearer cli-key");
      expect(userParts(chat.received[0].body).imageUrls).toEqual([`data:image/png;base64,${png.toString("base64")}`]);
      // A backend flag without --local is a usage error: the server uses its own deployment's.
      const refused = await run(process.execPath, [BIN, "ask", join(dir, "scene.png"), "How far?", "--vlm-url", chat.baseUrl, "--server", "http://127.0.0.1:9"], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
      expect(refused).toMatchObject({ code: 2 });
      expect((refused as { stderr: string }).stderr).toMatch(/--vlm-url is for --local/);
    } finally {
      await chat.close();
    }
  }, 90_000);
});
