import { describe, expect, it } from "vitest";
import { parseHubMessage, parseRunnerMessage, PROTOCOL_VERSION } from "./runner.js";

describe("runner protocol parsers", () => {
  it.each([undefined, 42, "", "not json", "{}", '{"v":1}', '{"v":2,"type":"runner.heartbeat","activeJobs":[]}', '{"v":1,"type":"runner.unknown"}', '{"v":1,"type":"runner.heartbeat","activeJobs":"x"}'])("returns null for %j", (data) => {
    expect(parseRunnerMessage(data)).toBeNull();
    expect(parseHubMessage(data)).toBeNull();
  });

  it("parses a hello and a job event", () => {
    const hello = parseRunnerMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: "runner.hello", runnerId: "r1", capabilities: { models: ["yolox-nano-coco"], device: "cpu", concurrency: 2, pipelineVersion: "spatial-pipeline/1" } }));
    expect(hello?.type).toBe("runner.hello");
    const event = parseRunnerMessage(JSON.stringify({ v: 1, type: "job.event", jobId: "j", leaseId: "l", event: { type: "stage.completed", stage: "detect", ms: 12 } }));
    expect(event).toMatchObject({ type: "job.event", event: { stage: "detect" } });
    expect(parseRunnerMessage(JSON.stringify({ v: 1, type: "job.event", jobId: "j", leaseId: "l", event: { type: "stage.completed", stage: "dance", ms: 1 } }))).toBeNull();
  });

  it("parses an assignment", () => {
    const msg = parseHubMessage(JSON.stringify({ v: 1, type: "job.assign", leaseId: "l1", attempt: 1, job: { jobId: "j1", image: { key: "img/abc", contentType: "image/png", bytes: 10 }, depthScale: 1000, questions: ["how far?"], pipelineVersion: "spatial-pipeline/1" } }));
    expect(msg?.type === "job.assign" && msg.job.questions).toEqual(["how far?"]);
  });
});
