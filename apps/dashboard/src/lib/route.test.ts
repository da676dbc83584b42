import { describe, expect, it } from "vitest";
import { hrefOf, parseRoute, type Route } from "./route.js";

describe("routes in the query string", () => {
  it("reads each page, and the jobs page when nothing is given", () => {
    expect(parseRoute("")).toEqual({ page: "jobs", jobId: null });
    expect(parseRoute("?job=job_1")).toEqual({ page: "jobs", jobId: "job_1" });
    expect(parseRoute("?view=batches")).toEqual({ page: "batches" });
    expect(parseRoute("?batch=bat_1")).toEqual({ page: "batch", batchId: "bat_1", item: null });
    expect(parseRoute("?batch=bat_1&item=7")).toEqual({ page: "batch", batchId: "bat_1", item: 7 });
  });

  it("ignores an item that is not an index, and an unknown view", () => {
    expect(parseRoute("?batch=bat_1&item=-1")).toEqual({ page: "batch", batchId: "bat_1", item: null });
    expect(parseRoute("?batch=bat_1&item=x")).toEqual({ page: "batch", batchId: "bat_1", item: null });
    expect(parseRoute("?view=nope")).toEqual({ page: "jobs", jobId: null });
  });

  it("round-trips every route through its href, ids with odd characters too", () => {
    const routes: Route[] = [{ page: "jobs", jobId: null }, { page: "jobs", jobId: "job a&b" }, { page: "batches" }, { page: "batch", batchId: "bat_x/y", item: null }, { page: "batch", batchId: "bat_1", item: 0 }];
    for (const r of routes) expect(parseRoute(hrefOf(r))).toEqual(r);
  });
});
