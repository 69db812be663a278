// Terminal progress: one line per scenario (elapsed / total, VUs, iterations, rate, failures), redrawn in
// place on a terminal and printed every 10 s otherwise (CI logs).
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

export function progressLine(p: ProgressReport): string {
  const pct = p.totalMs ? Math.min(100, Math.floor((p.elapsedMs / p.totalMs) * 100)) : null;
  const bar =
    pct === null ? '' : `[${'='.repeat(Math.floor(pct / 5)).padEnd(20, ' ')}] ${String(pct).padStart(3)}% `;
  const time = `${formatDuration(p.elapsedMs)}/${p.totalMs === null ? '?' : formatDuration(p.totalMs)}`;
  return `${p.scenario.padEnd(16)} ${bar}${time}  VUs ${p.vus}  iters ${p.iterations}  ${p.ratePerSec.toFixed(1)}/s  failures ${p.failures}`;
}

export class TerminalProgress {
  private readonly stream: NodeJS.WriteStream;
  private lastLines = 0;
  private lastPrinted = 0;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.stream = stream;
  }

  update(reports: ProgressReport[], final = false): void {
    if (this.stream.isTTY) {
      if (this.lastLines > 0) this.stream.write(`\x1b[${this.lastLines}A`);
      for (const r of reports) this.stream.write(`\x1b[2K${progressLine(r)}\n`);
      this.lastLines = reports.length;
      return;
    }
    const now = performance.now();
    if (!final && now - this.lastPrinted < 10_000) return;
    this.lastPrinted = now;
    for (const r of reports) this.stream.write(`${progressLine(r)}\n`);
  }
}
