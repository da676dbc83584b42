// The dashboard: sign-in, then the page the URL names (lib/route.ts): the jobs page (one job live
// or reopened, recent jobs beside it), the tenant's batches, or one batch with its live progress,
// failures and QA browser. Links are real links (?job=…, ?batch=…) that the page follows itself.
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { AuthenticationError, createClient } from "@spatial/sdk";
import { describeError } from "./lib/messages.js";
import { forgetKey, initialKey, saveKey } from "./lib/session.js";
import { hrefOf, isPlainClick, parseRoute, type Route } from "./lib/route.js";
import { useJob } from "./state/use-job.js";
import { SignIn } from "./views/SignIn.js";
import { JobPage } from "./views/JobPage.js";
import { BatchList } from "./views/BatchList.js";
import { BatchPage } from "./views/BatchPage.js";

const BASE = location.origin;

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(null);
  const [signIn, setSignIn] = useState<{ busy: boolean; error: string | null }>({ busy: true, error: null });
  const client = useMemo(() => (apiKey ? createClient({ baseUrl: BASE, apiKey }) : null), [apiKey]);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.search));
  const [pageError, setPageError] = useState<string | null>(null);
  const handle = useJob(client);

  /** Checks a key with a cheap authenticated call before keeping it. */
  const trySignIn = useCallback(async (key: string) => {
    setSignIn({ busy: true, error: null });
    try {
      await createClient({ baseUrl: BASE, apiKey: key, retry: { maxRetries: 1 } }).listJobs({ limit: 1 });
      saveKey(key);
      setApiKey(key);
      setSignIn({ busy: false, error: null });
    } catch (e) {
      if (e instanceof AuthenticationError) forgetKey();
      setSignIn({ busy: false, error: describeError(e) });
    }
  }, []);

  useEffect(() => {
    const key = initialKey();
    if (key) void trySignIn(key);
    else setSignIn({ busy: false, error: null });
    // A sign-in link opened in a tab already showing the dashboard changes only the fragment.
    const onHash = () => { const k = initialKey(); if (k && location.hash === "") void trySignIn(k); };
    const onPop = () => setRoute(parseRoute(location.search));
    // Nothing may fail silently: a stray rejection becomes a message on the page.
    const onRejection = (e: PromiseRejectionEvent) => { e.preventDefault(); setPageError(describeError(e.reason)); };
    window.addEventListener("hashchange", onHash);
    window.addEventListener("popstate", onPop);
    window.addEventListener("unhandledrejection", onRejection);
    return () => {
      window.removeEventListener("unhandledrejection", onRejection);
      window.removeEventListener("popstate", onPop);
      window.removeEventListener("hashchange", onHash);
    };
  }, []);

  const go = useCallback((next: Route, replace = false) => {
    const href = hrefOf(next);
    if (replace) history.replaceState(null, "", href);
    else history.pushState(null, "", href);
    setRoute(next);
    setPageError(null);
  }, []);
  /** A link the page follows itself on a plain click (other clicks open a tab as usual). */
  const link = (to: Route) => ({ href: hrefOf(to), onClick: (e: MouseEvent) => { if (isPlainClick(e)) { e.preventDefault(); go(to); } } });

  if (!client || !apiKey) {
    return (
      <main class="signed-out">
        <h1>Spatial</h1>
        <SignIn busy={signIn.busy} error={signIn.error} onSubmit={trySignIn} />
      </main>
    );
  }

  const section = route.page === "jobs" ? "jobs" : "batches";
  const status = route.page === "jobs" ? handle.job.status : null;
  return (
    <div class={`layout ${route.page === "jobs" ? "" : "wide"}`} data-page={route.page} {...(status ? { "data-status": status } : {})}>
      <header class="top">
        <h1>Spatial</h1>
        <nav class="sections" aria-label="sections">
          <a {...link({ page: "jobs", jobId: null })} aria-current={section === "jobs" ? "page" : undefined}>Jobs</a>
          <a {...link({ page: "batches" })} aria-current={section === "batches" ? "page" : undefined}>Batches</a>
        </nav>
        {status && <span class={`status ${status}`} role="status" aria-live="polite">{handle.job.jobId ? `job ${handle.job.jobId}: ` : ""}{status}</span>}
        <nav class="links" aria-label="account"><a href="/docs">API docs</a> <button type="button" class="link" onClick={() => { forgetKey(); setApiKey(null); setSignIn({ busy: false, error: null }); }}>Sign out</button></nav>
      </header>
      {pageError && <p role="alert" class="error banner page-error">{pageError}</p>}
      {route.page === "jobs" && (
        <JobPage client={client} jobId={route.jobId} handle={handle} onOpen={(id) => go({ page: "jobs", jobId: id })} onCreated={(id) => go({ page: "jobs", jobId: id })} />
      )}
      {route.page === "batches" && <BatchList client={client} link={link} />}
      {route.page === "batch" && <BatchPage key={route.batchId} client={client} batchId={route.batchId} item={route.item} handle={handle} link={link} onItem={(item) => go({ page: "batch", batchId: route.batchId, item }, route.item !== null)} />}
    </div>
  );
}

export type LinkProps = (to: Route) => { href: string; onClick: (e: MouseEvent) => void };
