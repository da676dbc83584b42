// `npm start` until the service exists (issue 4 replaces this with the whole stack): the real
// perception pipeline on a real photo from ../shared/fixtures — with its depth map, then RGB only
// (size-priors depth) — answering spatial questions; then the data engine on a rendered scene with
// exact depth, synthesising spatial QA pairs. Extra arguments are asked as questions about the photo.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { answerQuestion, buildSceneGraph, synthesizeQa, type SceneGraph } from "../packages/shared/src/index.js";
import { depthImage, maskOf, randomScene } from "../packages/shared/src/testing/index.js";
import { PerceptionPipeline } from "../apps/gpu-runner/src/index.js";

const root = resolve(import.meta.dirname, "..");
const photoDir = resolve(root, "../shared/fixtures/rgbd/unidepth_demo");
const f2 = (x: number) => x.toFixed(2);

function describe(graph: SceneGraph): void {
  console.log(`  depth: ${graph.depth.source}; intrinsics: ${graph.intrinsics.source}; ${graph.frame.canonicalized ? `floor found, camera ${f2(graph.frame.cameraHeightM)} m above it` : "no floor found (up = camera up)"}`);
  for (const o of graph.objects) {
    const b = o.box;
    console.log(`  ${o.id} ${`${o.attributes.color?.name ?? ""} ${o.label}`.padEnd(18)} ${o.pointCount ? `${f2(Math.hypot(...o.centerCam))} m away, ${f2(b.widthM)} × ${f2(b.heightM)} × ${f2(b.lengthM)} m (w × h × l)` : "no usable depth"}`);
  }
}

function ask(graph: SceneGraph, questions: string[]): void {
  for (const q of questions) {
    const a = answerQuestion(q, graph);
    console.log(`  Q: ${q}\n  A: ${a.text}${a.value_m !== undefined ? `  [value_m ${a.value_m}]` : ""}`);
  }
}

if (existsSync(photoDir)) {
  const intrinsics = JSON.parse(readFileSync(join(photoDir, "intrinsics.json"), "utf8"));
  const pipeline = await PerceptionPipeline.create();
  try {
    const withDepth = await pipeline.perceive({ image: join(photoDir, "rgb.png"), intrinsics, depth: { input: join(photoDir, "depth.png"), unitsPerMetre: 1000 } });
    console.log(`A real living-room photo with its depth map, perceived in ${Object.values(withDepth.timingsMs).reduce((a, b) => a + b, 0).toFixed(0)} ms:`);
    describe(withDepth.graph);
    const questions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [
      "How far apart are the couch on the left and the couch on the right?",
      "Which couch is closer to the camera?",
      "How tall is the couch on the right, in feet?",
      "Is the cup to the right of the couch on the left?",
      "How far is the piano from the couch on the left?",
    ];
    ask(withDepth.graph, questions);
    const rgbOnly = await pipeline.perceive({ image: join(photoDir, "rgb.png"), intrinsics });
    console.log("\nThe same photo without depth (metric depth estimated from object size priors and the floor):");
    describe(rgbOnly.graph);
    ask(rgbOnly.graph, questions.slice(0, 2));
  } finally {
    await pipeline.dispose();
  }
} else {
  console.log(`(../shared/fixtures not found at ${photoDir}: skipping the real photo)`);
}

const { render } = randomScene(7);
const { graph } = buildSceneGraph({
  width: render.width, height: render.height, rgb: render.rgb, depth: depthImage(render),
  intrinsics: { ...render.intrinsics, source: "input" }, depthSource: "input",
  objects: render.objects.filter((o) => o.box2d).map((o) => ({ label: o.label, score: 1, box2d: o.box2d!, mask: maskOf(render, o.index) })),
});
console.log("\nThe data engine on a rendered scene with exact depth: seeded spatial QA pairs");
describe(graph);
for (const qa of synthesizeQa(graph, { seed: 7, perFamily: 1 }).slice(0, 8)) console.log(`  Q: ${qa.question}\n  A: ${qa.answer.text}`);
