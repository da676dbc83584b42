// The `spatial` CLI (DESIGN.md's contract): `scene`, `ask`, `synth`, `models pull|list`. Output on stdout;
// on failure one line on stderr and a non-zero exit: 2 bad input or usage, 3 model missing or
// corrupt, 4 server unreachable, 1 anything else (a bug: SPATIAL_DEBUG=1 shows the stack).
import { Command, CommanderError, Option } from "commander";
import { runAsk, runScene, type PerceiveCliOptions } from "./perceive-commands.js";
import { runModelsList, runModelsPull } from "./models-commands.js";
import { DEFAULT_FORMATS, runSynth, type SynthCliOptions } from "./synth/command.js";
import { runReward, type RewardCliOptions } from "./reward-command.js";

const EXIT = { usage: 2, input: 2, model: 3, server: 4, internal: 1 } as const;

/** Maps an error to its exit code by its machine-readable code. */
export function exitCodeOf(error: unknown): number {
  const code = (error as { code?: unknown })?.code;
  if (error instanceof CommanderError) return EXIT.usage;
  if (typeof code !== "string") return EXIT.internal;
  if (code === "usage" || code === "device_unavailable") return EXIT.usage;
  if (code.startsWith("model_") || code === "unknown_model") return EXIT.model;
  if (code.startsWith("server_") || code.startsWith("runner_")) return EXIT.server;
  if (/^(image|depth|intrinsics|objects|task|frames)_/.test(code) || code === "not_found" || code === "invalid_request") return EXIT.input;
  return EXIT.internal;
}

/** Where a command's pipeline runs: in this process (--local, on --device with --model-dir) or on --server. */
function whereToRun(command: Command, local = "run the pipeline in this process, no server"): Command {
  return command
    .option("--local", local)
    .option("--server <url>", "the Spatial API to use (default: SPATIAL_API_URL)")
    .addOption(new Option("--device <device>", "where models run").default("cpu"))
    .option("--model-dir <dir>", "where models are installed (default: SPATIAL_MODEL_DIR or <repo>/models)");
}

function perceiveOptions(command: Command): Command {
  return whereToRun(command
    .option("--depth <png>", "depth map (16-bit PNG; 0 = no reading)")
    .option("--depth-scale <units>", "depth units per metre", "1000")
    .option("--intrinsics <fx,fy,cx,cy>", "camera intrinsics in pixels")
    .option("--objects <json>", "your own labelled boxes (and masks) instead of detection"))
    .option("--json", "machine-readable output");
}

export function buildProgram(): Command {
  const program = new Command("spatial")
    .description("Metric spatial understanding of images: 3D scenes and spatial question answering")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith("error: ") ? `spatial: ${s.slice(7)}` : s) })
    .showHelpAfterError(false);

  perceiveOptions(program.command("scene").argument("<image>", "JPEG, PNG or WebP").description("perceive an image: objects with 3D centres and sizes"))
    .action(async (image: string, options: PerceiveCliOptions) => runScene(image, options));

  perceiveOptions(program.command("ask").argument("<image>", "JPEG, PNG or WebP").argument("<questions...>", "one or more spatial questions").description("answer spatial questions about an image (perceived once)"))
    .option("--planner-url <url>", "with --local: an OpenAI-compatible LLM planner for questions the query language cannot express (or SPATIAL_PLANNER_URL; key: SPATIAL_PLANNER_API_KEY)")
    .option("--planner-model <name>", "its model (or SPATIAL_PLANNER_MODEL)")
    .option("--vlm-url <url>", "with --local: an OpenAI-compatible vision-language model for free-form questions (or SPATIAL_VLM_URL; key: SPATIAL_VLM_API_KEY)")
    .option("--vlm-model <name>", "its model, e.g. SpaceQwen2.5-VL-3B-Instruct (or SPATIAL_VLM_MODEL)")
    .action(async (image: string, questions: string[], options: PerceiveCliOptions) => runAsk(image, questions, options));

  whereToRun(program.command("synth").argument("<input>", "a directory of images, a file of URLs or paths (one a line), or a manifest.jsonl")
    .description("turn images into a spatial VQA dataset (scenes, QA pairs, LLaVA, ShareGPT, Parquet); a rerun with the same --out resumes")
    .requiredOption("--out <dir>", "where the dataset files (and the resume state) go")
    .option("--formats <list>", "comma-separated: jsonl, llava, sharegpt, parquet, pointclouds", DEFAULT_FORMATS)
    .option("--per-family <n>", "QA pairs per family and form (default 3)")
    .option("--seed <n>", "seed of the question draw", "0"), "run the pipeline on this machine's cores, no server")
    .option("--workers <n>", "perception threads with --local (default: cores, at most 4)")
    .option("--webhook <url>", "with the server: the batch's events go to this URL (Standard Webhooks)")
    .option("--json", "print the summary as JSON")
    .action(async (input: string, options: SynthCliOptions) => runSynth(input, options));

  whereToRun(program.command("reward").argument("<frames...>", "a directory of frames (name order; depth_N.png and objects_N.json beside them), or the frame files in order")
    .description("dense reward and success per frame of a robot episode: --task \"put the apple in the bowl\"")
    .requiredOption("--task <words>", "the goal, naming the objects: \"move the gripper to the can\", \"put the cup left of the plate\", \"lift the block 10 cm\"")
    .option("--depth-dir <dir>", "where the frames' depth maps are (depth_N.png or N.png; default: beside the frames)")
    .option("--depth-scale <units>", "depth units per metre", "1000")
    .option("--intrinsics <fx,fy,cx,cy>", "camera intrinsics in pixels (one camera for every frame)")
    .option("--success-m <m>", "success when the measured quantity is within this of its goal (default 0.03)")
    .option("--hysteresis-m <m>", "success turns off only this much further out (default 0.03)"))
    .option("--json", "one JSON object a line: the task, then each frame")
    .action(async (frames: string[], options: RewardCliOptions) => runReward(frames, options));

  const models = program.command("models").description("install and inspect models");
  models.command("pull").argument("[names...]", "models to install (default: the default models)")
    .option("--mirror <dir>", "install from this directory instead of the upstream URLs (default: SPATIAL_MODEL_MIRROR or ../shared/models)")
    .option("--force", "re-install even when present")
    .option("--model-dir <dir>", "where to install")
    .action(async (names: string[], options) => runModelsPull(names, options));
  models.command("list").option("--json", "machine-readable output").option("--model-dir <dir>", "where models are installed")
    .action(async (options) => runModelsList(options));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its one line (or the help / version, which are not failures).
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : EXIT.usage;
    }
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`spatial: ${code === EXIT.internal ? "internal error: " : ""}${message.split("\n")[0]}\n`);
    if (process.env.SPATIAL_DEBUG === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return code;
  }
}
