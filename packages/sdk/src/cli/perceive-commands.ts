// `spatial scene` and `spatial ask`: perceive the image once (in-process with --local), then print
// the scene or answer each question in order. JSON output follows DESIGN.md's contract exactly.
import { askOutputLine, sceneOutput, type ObjectOutput } from "@spatial/shared/protocol";
import { answerQuestion, objectNamesIn, type SceneGraph } from "@spatial/shared";
import { PerceptionPipeline, parseDevice, loadObjectsFile } from "@spatial/gpu-runner";
import { parseIntrinsics, parsePositive, UsageError } from "./args.js";

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
}

export class ServerError extends Error {
  constructor(readonly code: "server_unavailable", message: string) {
    super(message);
    this.name = "ServerError";
  }
}

async function perceive(imagePath: string, options: PerceiveCliOptions, queries: string[] = []): Promise<SceneGraph> {
  // Check every option before any model loads: a typo should fail in milliseconds.
  const intrinsics = options.intrinsics !== undefined ? parseIntrinsics(options.intrinsics) : undefined;
  const unitsPerMetre = parsePositive("--depth-scale", options.depthScale);
  const device = parseDevice(options.device);
  if (!options.local) {
    const server = options.server ?? process.env.SPATIAL_API_URL;
    if (!server) throw new UsageError("no server given: pass --local to run the pipeline in this process, or --server URL (or set SPATIAL_API_URL)");
    throw new ServerError("server_unavailable", `cannot use the server ${server}: this build of the CLI has no client for the edge API yet; pass --local`);
  }
  const pipeline = await PerceptionPipeline.create({ device, ...(options.modelDir ? { modelDir: options.modelDir } : {}) });
  try {
    const { graph } = await pipeline.perceive({
      image: imagePath,
      queries,
      ...(options.depth ? { depth: { input: options.depth, unitsPerMetre } } : {}),
      ...(intrinsics ? { intrinsics } : {}),
      ...(options.objects ? { objects: (size: { width: number; height: number }) => loadObjectsFile(options.objects!, size) } : {}),
    });
    return graph;
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
  const out = sceneOutput(await perceive(imagePath, options));
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

export async function runAsk(imagePath: string, questions: string[], options: PerceiveCliOptions): Promise<void> {
  if (questions.some((q) => q.trim() === "")) throw new UsageError("questions must not be empty");
  // The questions' nouns go to an open-vocabulary detector when one is installed ("the piano").
  const graph = await perceive(imagePath, options, questions.flatMap(objectNamesIn));
  for (const question of questions) {
    const line = askOutputLine(question, answerQuestion(question, graph), graph);
    if (options.json) process.stdout.write(`${JSON.stringify(line)}\n`);
    else process.stdout.write(`${line.answer.text}\n${line.objects.map((o) => `  ${describeObject(o)}\n`).join("")}`);
  }
}
