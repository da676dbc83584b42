// `spatial reward <frames dir | frame files…> --task "…"`: dense reward and success for a robot
// episode, one line per frame as it is perceived (in-process with --local, else on the server via
// POST /v1/rewards). Frames are taken in name order; a frame's depth map and boxes are the files
// that share its number: frame_012.png ↔ depth_012.png (beside it, or in --depth-dir) ↔
// objects_012.json ({ "objects": [{ "label", "box2d" }] } or the bare array).
// --json prints one JSON object a line: first the task as read, then each frame.
import { readdir, readFile, stat } from "node:fs/promises";
import { openAsBlob } from "node:fs";
import { basename, extname, join } from "node:path";
import { InputObject, type RewardThresholds } from "@spatial/shared/protocol";
import { parseDevice, PerceptionPipeline, perceiveRewardSequence, type RewardEvent } from "@spatial/gpu-runner";
import { ApiError, createClient } from "@spatial/sdk";
import { z } from "zod";
import { parseIntrinsics, parsePositive, UsageError } from "./args.js";
import { ServerError } from "./perceive-commands.js";

export interface RewardCliOptions {
  task: string;
  depthDir?: string;
  depthScale: string;
  intrinsics?: string;
  successM?: string;
  hysteresisM?: string;
  local?: boolean;
  server?: string;
  device: string;
  modelDir?: string;
  json?: boolean;
}

interface FrameFiles {
  image: string;
  depth?: string;
  objects?: InputObject[];
}

const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".webp"]);
const COMPANION = /^(depth|objects)[_-]?/i;
const ObjectsFile = z.union([z.array(InputObject), z.object({ objects: z.array(InputObject) }).transform((o) => o.objects)]);

/** The frame's number ("frame_012.png" → "012"), or its name without extension when it has none. */
const frameKey = (path: string) => {
  const name = basename(path, extname(path));
  return name.match(/(\d+)(?!.*\d)/)?.[1] ?? name;
};

const exists = (path: string) => stat(path).then((s) => s.isFile(), () => false);

async function companions(dir: string, depthDir: string | undefined, key: string): Promise<Omit<FrameFiles, "image">> {
  const out: Omit<FrameFiles, "image"> = {};
  for (const candidate of [join(depthDir ?? dir, `depth_${key}.png`), join(depthDir ?? dir, `depth-${key}.png`), ...(depthDir ? [join(depthDir, `${key}.png`)] : [])]) {
    if (await exists(candidate)) {
      out.depth = candidate;
      break;
    }
  }
  const objectsPath = join(dir, `objects_${key}.json`);
  if (await exists(objectsPath)) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(objectsPath, "utf8"));
    } catch {
      throw Object.assign(new Error(`${objectsPath} is not valid JSON`), { code: "objects_invalid" });
    }
    const parsed = ObjectsFile.safeParse(json);
    if (!parsed.success) throw Object.assign(new Error(`${objectsPath}: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`), { code: "objects_invalid" });
    out.objects = parsed.data;
  }
  return out;
}

/** The episode's frames in order, with their depth maps and boxes. */
export async function listFrames(inputs: string[], depthDir?: string): Promise<FrameFiles[]> {
  const files: { image: string; dir: string }[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (!info) throw Object.assign(new Error(`${input} does not exist`), { code: "image_not_found" });
    if (info.isDirectory()) {
      const names = (await readdir(input)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase()) && !COMPANION.test(n));
      names.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
      files.push(...names.map((n) => ({ image: join(input, n), dir: input })));
    } else {
      files.push({ image: input, dir: join(input, "..") });
    }
  }
  if (files.length === 0) throw new UsageError(`no frames (JPEG, PNG or WebP) in ${inputs.join(", ")}`);
  return Promise.all(files.map(async (f) => ({ image: f.image, ...(await companions(f.dir, depthDir, frameKey(f.image))) })));
}

function thresholdsOf(options: RewardCliOptions): RewardThresholds {
  return {
    ...(options.successM !== undefined ? { successM: parsePositive("--success-m", options.successM) } : {}),
    ...(options.hysteresisM !== undefined ? { hysteresisM: parsePositive("--hysteresis-m", options.hysteresisM) } : {}),
  };
}

const f3 = (x: number) => x.toFixed(3);

/** One line of output per event: JSON (snake_case, as the CLI's other JSON) or text. */
function render(event: RewardEvent, json: boolean): string {
  if (event.type === "reward.task") {
    const t = event.task;
    if (json) return JSON.stringify({ task: t, definition: event.definition, success_m: event.successM, hysteresis_m: event.hysteresisM, frames: event.frames });
    const what = t.kind === "lift" ? `lift the ${t.subject} ${f3(t.heightM)} m` : `${t.kind}${t.kind === "relation" ? ` (${t.relation})` : ""}: the ${t.subject} → the ${t.target}`;
    return `task: ${what}; measured: ${event.definition}; success within ${event.successM} m (hysteresis ${event.hysteresisM} m); ${event.frames} frames`;
  }
  if (json) return JSON.stringify({ frame: event.frame, measured_m: event.measuredM, reward: Math.round(event.reward * 1000) / 1000, success: event.success, subject_id: event.subjectId, target_id: event.targetId, ms: event.ms });
  const measured = event.measuredM === null ? "objects not seen" : `measured ${f3(event.measuredM)} m`;
  return `frame ${event.frame}: ${measured}, reward ${event.reward.toFixed(2)}, ${event.success ? "success" : "not yet"} (${event.ms.toFixed(0)} ms)`;
}

export async function runReward(inputs: string[], options: RewardCliOptions): Promise<void> {
  // Every option is checked before any model loads or any byte is sent.
  const task = options.task?.trim();
  if (!task) throw new UsageError('--task needs the goal in words, e.g. --task "put the apple in the bowl"');
  const intrinsics = options.intrinsics !== undefined ? parseIntrinsics(options.intrinsics) : undefined;
  const depthScale = parsePositive("--depth-scale", options.depthScale);
  const thresholds = thresholdsOf(options);
  const device = parseDevice(options.device);
  const frames = await listFrames(inputs, options.depthDir);
  const print = (event: RewardEvent) => process.stdout.write(`${render(event, !!options.json)}\n`);

  if (!options.local) {
    const server = options.server ?? process.env.SPATIAL_API_URL;
    if (!server) throw new UsageError("no server given: pass --local to run the pipeline in this process, or --server URL (or set SPATIAL_API_URL)");
    const apiKey = process.env.SPATIAL_API_KEY;
    if (!apiKey) throw new UsageError("SPATIAL_API_KEY is not set: the server needs an API key (or pass --local)");
    const client = createClient({ baseUrl: server, apiKey });
    try {
      // File-backed blobs: a frame is read as it is uploaded (a few at a time), never the whole episode at once.
      const loaded = await Promise.all(frames.map(async (f) => ({ image: await openAsBlob(f.image), ...(f.depth ? { depth: await openAsBlob(f.depth) } : {}), ...(f.objects ? { objects: f.objects } : {}) })));
      for await (const event of client.rewards.stream({ task, frames: loaded, depthScale, thresholds, ...(intrinsics ? { intrinsics } : {}) })) print(event);
    } catch (e) {
      if (e instanceof ApiError) {
        const code = e.status === 0 ? "server_unreachable" : e.status === 200 || e.status === 400 || e.status === 404 || e.status === 413 || e.status === 415 ? e.code : `server_${e.code}`;
        throw new ServerError(code, `${server}: ${e.message}`);
      }
      throw e;
    }
    return;
  }

  const pipeline = await PerceptionPipeline.create({ device, ...(options.modelDir ? { modelDir: options.modelDir } : {}) });
  try {
    await perceiveRewardSequence({
      task, frameCount: frames.length, depthScale, thresholds, ...(intrinsics ? { intrinsics } : {}),
      loadFrame: async (i) => ({ image: frames[i].image, ...(frames[i].depth ? { depth: frames[i].depth } : {}) }),
      objectsOf: (i) => frames[i].objects,
    }, pipeline, new AbortController().signal, print);
  } finally {
    await pipeline.dispose();
  }
}
