// `npm start` until the service exists: renders a seeded synthetic room with exact depth, lifts it
// into a metric scene graph with the real pipeline, then synthesises spatial QA pairs and answers
// free-form questions about it. Usage: npm start [-- --seed N] [-- "question" ...]
import { buildSceneGraph } from "../packages/shared/src/spatial/build-scene.js";
import { answerQuestion } from "../packages/shared/src/spatial/understand.js";
import { synthesizeQa } from "../packages/shared/src/spatial/synthesize.js";
import { depthImage, maskOf, randomScene } from "../packages/shared/src/testing/index.js";

const args = process.argv.slice(2);
const seedAt = args.indexOf("--seed");
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 7;
if (!Number.isInteger(seed)) {
  console.error(`--seed needs an integer, got ${args[seedAt + 1]}`);
  process.exit(2);
}
const questions = args.filter((a, i) => i !== seedAt && i !== seedAt + 1);

const { render } = randomScene(seed);
const started = performance.now();
const { graph } = buildSceneGraph({
  width: render.width,
  height: render.height,
  rgb: render.rgb,
  depth: depthImage(render),
  intrinsics: { ...render.intrinsics, source: "input" },
  depthSource: "input",
  objects: render.objects.filter((o) => o.box2d).map((o) => ({ label: o.label, score: 1, box2d: o.box2d!, mask: maskOf(render, o.index) })),
});
const liftMs = performance.now() - started;

const f = (x: number) => x.toFixed(2);
console.log(`Scene ${seed}: ${render.width}×${render.height}, lifted in ${liftMs.toFixed(0)} ms; ${graph.frame.canonicalized ? `floor found, camera ${f(graph.frame.cameraHeightM)} m above it` : "no floor found (up = camera up)"}`);
for (const o of graph.objects) {
  const b = o.box;
  console.log(`  ${o.id}  ${(o.attributes.color?.name ?? "") + " " + o.label}`.padEnd(28) + `at (${f(b.center[0])}, ${f(b.center[1])}, ${f(b.center[2])}) m, ${f(b.widthM)} × ${f(b.lengthM)} × ${f(b.heightM)} m (w × l × h), ${o.shape}`);
}
console.log("\nSynthesised QA (seeded):");
for (const qa of synthesizeQa(graph, { seed, perFamily: 1 }).slice(0, 16)) console.log(`  Q: ${qa.question}\n  A: ${qa.answer.text}`);

const asked = questions.length > 0 ? questions : [
  `How far apart are the ${graph.objects[0].label} and the ${graph.objects[1].label}?`,
  `Is the ${graph.objects[0].label} to the left of the ${graph.objects[1].label}?`,
  `Which is taller, the ${graph.objects[0].label} or the ${graph.objects[1].label}?`,
  `How tall is the ${graph.objects[1].label} in feet?`,
  "Where is the giraffe relative to the camera?",
];
console.log("\nQuestions:");
for (const q of asked) {
  const a = answerQuestion(q, graph);
  console.log(`  Q: ${q}\n  A: ${a.text}  ${JSON.stringify({ type: a.type, bool: a.bool, choice: a.choice, value_m: a.value_m, clock_hour: a.clock_hour })}`);
}
