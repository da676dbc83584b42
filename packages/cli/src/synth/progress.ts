// Progress of a synth run on stderr: a live bar on a terminal (cli-progress), plain lines otherwise
// (at most one a second, and the last one always), both with done / failed / total, images per
// minute and an ETA. The rate counts only this run's work, so a resumed run does not look instant.
import cliProgress from "cli-progress";

export interface ProgressCounts {
  done: number;
  failed: number;
  total: number;
}

/** "1m05s", "2h03m", "--" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "--";
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** Images per minute and the seconds left, from this run's finished count and elapsed time. */
export function rateAndEta(finishedThisRun: number, elapsedMs: number, remaining: number): { perMinute: number | null; etaS: number | null } {
  if (finishedThisRun === 0 || elapsedMs <= 0) return { perMinute: null, etaS: remaining === 0 ? 0 : null };
  const perMinute = (finishedThisRun / elapsedMs) * 60_000;
  return { perMinute, etaS: (remaining / perMinute) * 60 };
}

export function progressLine(c: ProgressCounts, perMinute: number | null, etaS: number | null): string {
  return `synth: ${c.done + c.failed}/${c.total} (done ${c.done}, failed ${c.failed}) ${perMinute === null ? "--" : perMinute.toFixed(1)} images/min, ETA ${formatEta(etaS)}`;
}

export class SynthProgress {
  private readonly started = Date.now();
  private readonly startedAt: number;
  private lastLine = 0;
  private readonly bar?: cliProgress.SingleBar;

  constructor(private readonly counts: ProgressCounts, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.startedAt = counts.done + counts.failed;
    if (stream.isTTY) {
      this.bar = new cliProgress.SingleBar({
        stream,
        format: "synth {bar} {value}/{total} | done {done} failed {failed} | {rate} images/min | ETA {eta_text}",
        hideCursor: true,
        etaBuffer: 20,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(counts.total, this.startedAt, this.payload());
    }
  }

  private payload() {
    const finished = this.counts.done + this.counts.failed;
    const { perMinute, etaS } = rateAndEta(finished - this.startedAt, Date.now() - this.started, this.counts.total - finished);
    return { done: this.counts.done, failed: this.counts.failed, rate: perMinute === null ? "--" : perMinute.toFixed(1), eta_text: formatEta(etaS), perMinute, etaS };
  }

  update(final = false): void {
    const p = this.payload();
    if (this.bar) {
      this.bar.update(this.counts.done + this.counts.failed, p);
      if (final) this.bar.stop();
      return;
    }
    const now = Date.now();
    if (!final && now - this.lastLine < 1000) return;
    this.lastLine = now;
    this.stream.write(`${progressLine(this.counts, p.perMinute, p.etaS)}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
