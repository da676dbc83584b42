// Which page the dashboard shows, kept in the URL's query so every view has an address that
// reloads, bookmarks and goes back:  ?job=<id> (or nothing) the jobs page · ?view=batches the
// batch list · ?batch=<id> one batch · ?batch=<id>&item=<idx> its QA browser on one image.
export type Route =
  | { page: "jobs"; jobId: string | null }
  | { page: "batches" }
  | { page: "batch"; batchId: string; item: number | null };

export function parseRoute(search: string): Route {
  const q = new URLSearchParams(search);
  const batchId = q.get("batch");
  if (batchId) {
    const item = q.get("item");
    return { page: "batch", batchId, item: item !== null && /^\d+$/.test(item) ? Number(item) : null };
  }
  if (q.get("view") === "batches") return { page: "batches" };
  return { page: "jobs", jobId: q.get("job") };
}

/** The relative URL of a route (its query only; the path stays /). */
export function hrefOf(route: Route): string {
  switch (route.page) {
    case "jobs":
      return route.jobId ? `?job=${encodeURIComponent(route.jobId)}` : "?";
    case "batches":
      return "?view=batches";
    case "batch":
      return `?batch=${encodeURIComponent(route.batchId)}${route.item !== null ? `&item=${route.item}` : ""}`;
  }
}

/** A plain left click on a link the page handles itself (others open a tab, download, …). */
export const isPlainClick = (e: MouseEvent) => e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
