// Terminal progress, one bar per scenario (elapsed / total, VUs, iterations, rate, failures), drawn by
// cli-progress: redrawn in place on a terminal, printed every few seconds otherwise (CI logs). The CLI's
// per-run bars (paspor-lab run, verify) are this same class with a label.
import cliProgress from 'cli-progress';
import { formatDuration } from '../duration.ts';

export interface ProgressReport {
  scenario: string;
  elapsedMs: number;
  totalMs: number | null;
  vus: number;
  iterations: number;
  ratePerSec: number;
  failures: number;
}

/** The text beside the bar: "12s/34s  VUs 5  iters 120  10.0/s  failures 0". */
export function progressLine(p: ProgressReport): string {
  const time = `${formatDuration(p.elapsedMs)}/${p.totalMs === null ? '?' : formatDuration(p.totalMs)}`;
  return `${time}  VUs ${p.vus}  iters ${p.iterations}  ${p.ratePerSec.toFixed(1)}/s  failures ${p.failures}`;
}

export interface ProgressOptions {
  /** Put before each scenario's name, e.g. "[quota-rush legacy 1/3]". */
  label?: string;
  /** How often a log that is not a terminal gets a line (default 10 s). */
  logEveryMs?: number;
}

export class TerminalProgress {
  private readonly stream: NodeJS.WriteStream;
  private readonly label: string;
  private readonly bars: cliProgress.MultiBar;
  private readonly byScenario = new Map<string, cliProgress.SingleBar>();

  constructor(stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}) {
    this.stream = stream;
    this.label = options.label ? `${options.label} ` : '';
    this.bars = new cliProgress.MultiBar(
      {
        stream,
        format: '{name} [{bar}] {percentage}% {line}',
        barsize: 20,
        hideCursor: false,
        clearOnComplete: false,
        // Without a terminal, a line every logEveryMs, so a CI log shows the run is alive.
        noTTYOutput: true,
        notTTYSchedule: options.logEveryMs ?? 10_000,
        emptyOnZero: true,
      },
      cliProgress.Presets.legacy,
    );
  }

  update(reports: ProgressReport[], final = false): void {
    for (const r of reports) {
      const total = Math.max(1, Math.round((r.totalMs ?? r.elapsedMs) / 1000));
      const value = Math.min(total, Math.round(r.elapsedMs / 1000));
      const payload = { name: `${this.label}${r.scenario.padEnd(12)}`, line: progressLine(r) };
      const bar = this.byScenario.get(r.scenario);
      if (bar) {
        bar.setTotal(total);
        bar.update(value, payload);
      } else {
        this.byScenario.set(r.scenario, this.bars.create(total, value, payload));
      }
    }
    if (final) this.stop();
  }

  /** A line above the bars (a step of the run: "starting the target"). */
  log(line: string): void {
    // Above the live bars on a terminal; a log without one gets the line at once, in order.
    if (this.stream.isTTY && this.byScenario.size > 0 && this.bars.isActive) this.bars.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  /** Draws the bars a last time and leaves them on screen. Idempotent. */
  stop(): void {
    if (this.byScenario.size > 0) {
      // A line logged just before the end waits for the next redraw: draw once more so it is not lost.
      if (this.bars.isActive) this.bars.update();
      this.bars.stop();
    }
    this.byScenario.clear();
  }
}
