// `spatial scene` and `spatial ask`: perceive the image once (in-process with --local), then print
// the scene or answer each question in order. JSON output follows DESIGN.md's contract exactly.
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { answerWithBackends, type AnswerBackends } from "@spatial/shared/reasoning";
import { askOutputLine, sceneOutput, type AskOutputLine, type ObjectOutput } from "@spatial/shared/protocol";
import { SceneGraph as SceneGraphSchema } from "@spatial/shared";
import { objectNamesIn, type SceneGraph } from "@spatial/shared";
import { answerBackendsOf, PerceptionPipeline, parseDevice, loadObjectsFile, RunnerUsageError } from "@spatial/gpu-runner";
import { parseIntrinsics, parsePositive, UsageError } from "./args.js";
import { ApiError, createClient } from "@spatial/sdk";

export interface PerceiveCliOptions {
  depth?: string;
  depthScale: string;
  intrinsics?: string;
  objects?: string;
  local?: boolean;
  server?: string;
  device: string;
  modelDir?: string;
  json?: boolean;
  plannerUrl?: string;
  plannerModel?: string;
  vlmUrl?: string;
  vlmModel?: string;
}

export class ServerError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "ServerError";
  }
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch {
    throw Object.assign(new Error(`${what} file ${path} does not exist or cannot be read`), { code: what === "image" ? "image_not_found" : what === "depth" ? "depth_not_found" : "objects_not_found" });
  }
}

/** Server mode: upload to the edge, follow the job's events, return its scene (and answers). */
async function perceiveOnServer(server: string, imagePath: string, options: PerceiveCliOptions, questions: string[]): Promise<{ graph: SceneGraph; answers: AskOutputLine[] }> {
  const apiKey = process.env.SPATIAL_API_KEY;
  if (!apiKey) throw new UsageError("SPATIAL_API_KEY is not set: the server needs an API key (or pass --local)");
  let objects: { label: string; box2d: [number, number, number, number] }[] | undefined;
  if (options.objects) {
    const parsed = JSON.parse((await readInput(options.objects, "objects")).toString("utf8")) as { objects?: { label: string; box2d: [number, number, number, number]; mask?: string }[] };
    if (parsed.objects?.some((o) => o.mask)) throw new UsageError("masks in --objects are only supported with --local");
    objects = parsed.objects?.map(({ label, box2d }) => ({ label, box2d }));
  }
  const client = createClient({ baseUrl: server, apiKey });
  const intrinsics = options.intrinsics !== undefined ? parseIntrinsics(options.intrinsics) : undefined;
  try {
    const { job } = await client.createJob({
      image: await readInput(imagePath, "image"),
      ...(options.depth ? { depth: await readInput(options.depth, "depth") } : {}),
      options: { questions, depthScale: parsePositive("--depth-scale", options.depthScale), ...(intrinsics ? { intrinsics } : {}), ...(objects ? { objects } : {}) },
    });
    let graph: SceneGraph | undefined;
    const answers: AskOutputLine[] = [];
    for await (const event of client.events(job.id)) {
      if (event.type === "scene.graph") graph = SceneGraphSchema.parse(event.graph);
      else if (event.type === "answer.final") answers[event.index] = event.line;
      else if (event.type === "job.failed") throw new ServerError(event.code, event.message);
      else if (event.type === "job.cancelled") throw new ServerError("server_job_cancelled", `job ${job.id} was cancelled`);
    }
    if (!graph) throw new ServerError("server_incomplete", `job ${job.id} ended without a scene`);
    return { graph, answers };
  } catch (e) {
    if (e instanceof ApiError) {
      const code = e.status === 0 ? "server_unreachable" : e.status === 400 || e.status === 413 || e.status === 415 ? `image_${e.code}` : `server_${e.code}`;
      throw new ServerError(code, `${server}: ${e.message}`);
    }
    throw e;
  }
}

async function perceive(imagePath: string, options: PerceiveCliOptions, questions: string[] = []): Promise<{ graph: SceneGraph; answers?: AskOutputLine[] }> {
  // Check every option before any model loads: a typo should fail in milliseconds.
  const intrinsics = options.intrinsics !== undefined ? parseIntrinsics(options.intrinsics) : undefined;
  const unitsPerMetre = parsePositive("--depth-scale", options.depthScale);
  const device = parseDevice(options.device);
  if (!options.local) {
    const server = options.server ?? process.env.SPATIAL_API_URL;
    if (!server) throw new UsageError("no server given: pass --local to run the pipeline in this process, or --server URL (or set SPATIAL_API_URL)");
    return perceiveOnServer(server, imagePath, options, questions);
  }
  const pipeline = await PerceptionPipeline.create({ device, ...(options.modelDir ? { modelDir: options.modelDir } : {}) });
  try {
    const { graph } = await pipeline.perceive({
      image: imagePath,
      // The questions' nouns go to an open-vocabulary detector when one is installed ("the piano").
      queries: questions.flatMap(objectNamesIn),
      ...(options.depth ? { depth: { input: options.depth, unitsPerMetre } } : {}),
      ...(intrinsics ? { intrinsics } : {}),
      ...(options.objects ? { objects: (size: { width: number; height: number }) => loadObjectsFile(options.objects!, size) } : {}),
    });
    return { graph };
  } finally {
    await pipeline.dispose();
  }
}

const f2 = (x: number) => x.toFixed(2);

function describeObject(o: ObjectOutput): string {
  if (o.points === 0) return `${o.label} (${o.id}): no usable depth on it`;
  const [x, y, z] = o.center_cam;
  return `${o.label} (${o.id}): centre (${f2(x)}, ${f2(y)}, ${f2(z)}) m in the camera frame, ${f2(o.size_m.width)} wide × ${f2(o.size_m.height)} high × ${f2(o.size_m.length)} long (m), ${o.points} points`;
}

export async function runScene(imagePath: string, options: PerceiveCliOptions): Promise<void> {
  const out = sceneOutput((await perceive(imagePath, options)).graph);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const k = out.intrinsics;
  process.stdout.write(
    `${out.image.width}×${out.image.height}; intrinsics fx ${f2(k.fx)} fy ${f2(k.fy)} cx ${f2(k.cx)} cy ${f2(k.cy)} (${k.source}); depth: ${out.depth.source}; ${out.canonicalized ? "gravity-aligned on the support plane" : "no support plane found: up is the camera's up"}\n` +
      (out.objects.length === 0 ? "no objects found\n" : out.objects.map((o) => `  ${describeObject(o)}\n`).join("")),
  );
}

/** With --local: the planner and VLM named by flags or SPATIAL_PLANNER_* / SPATIAL_VLM_* (the server uses its deployment's own). */
function localBackends(options: PerceiveCliOptions): AnswerBackends {
  const flags: Record<string, string | undefined> = { "planner-url": options.plannerUrl, "planner-model": options.plannerModel, "vlm-url": options.vlmUrl, "vlm-model": options.vlmModel };
  if (!options.local) {
    const given = Object.entries(flags).find(([, v]) => v !== undefined);
    if (given) throw new UsageError(`--${given[0]} is for --local: the server answers with its own deployment's backends`);
    return {};
  }
  try {
    return answerBackendsOf((name) => flags[name], process.env);
  } catch (e) {
    if (e instanceof RunnerUsageError) throw new UsageError(e.message);
    throw e;
  }
}

const IMAGE_TYPES: Record<string, string> = { ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp" };

export async function runAsk(imagePath: string, questions: string[], options: PerceiveCliOptions): Promise<void> {
  if (questions.some((q) => q.trim() === "")) throw new UsageError("questions must not be empty");
  const backends = localBackends(options);
  const { graph, answers } = await perceive(imagePath, options, questions);
  // A VLM sees the image as it was given; read once, only if one is asked.
  let image: Promise<{ bytes: Uint8Array; contentType: string }> | undefined;
  const imageOnce = () => (image ??= readFile(imagePath).then((bytes) => ({ bytes, contentType: IMAGE_TYPES[extname(imagePath).toLowerCase()] ?? "image/jpeg" })));
  for (const [i, question] of questions.entries()) {
    let line = answers?.[i];
    if (!line) {
      const sourced = await answerWithBackends(question, graph, backends, { image: imageOnce });
      line = askOutputLine(question, sourced.answer, graph, { source: sourced.source, ...(sourced.model ? { model: sourced.model } : {}) });
    }
    if (options.json) process.stdout.write(`${JSON.stringify(line)}\n`);
    else process.stdout.write(`${line.answer.text}\n${line.objects.map((o) => `  ${describeObject(o)}\n`).join("")}`);
  }
}
