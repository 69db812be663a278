// The run folder's faults.ndjson (reports/src/faults.ts reads it to shade the charts): what was really
// injected, with its start and end. The services keep the history of their own fault schedules (GET
// /admin/faults/history on the API and the billing simulator, target-api/shared/fault-history.ts); the
// harness adds what it did itself (a restart of the API). A process's history is read once: just before
// the harness kills it, or at the end of the run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS_FILE } from '@paspor-lab/reports/faults';
import type { FaultPeriod } from '@paspor-lab/target-api/fault-history';

export interface FaultLine {
  kind: string;
  startAt: string;
  endAt: string;
}

export class FaultRecorder {
  readonly #lines: FaultLine[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A period the harness caused itself, or one a service reported; one still in force ends now. */
  add(period: FaultPeriod): void {
    const endAt = period.endAt ?? new Date(this.#now()).toISOString();
    if (Date.parse(endAt) > Date.parse(period.startAt)) this.#lines.push({ ...period, endAt });
  }

  /**
   * Reads one service's history. Best effort: a service that is gone or predates the route adds
   * nothing, and the run goes on (the file only shades charts).
   */
  async collect(baseUrl: string, adminToken: string): Promise<void> {
    try {
      const res = await fetch(`${baseUrl}/admin/faults/history`, {
        headers: { authorization: `Bearer ${adminToken}` },
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) return;
      const body = (await res.json()) as { periods?: FaultPeriod[] };
      for (const period of body.periods ?? []) this.add(period);
    } catch {
      // Unreachable: nothing to add.
    }
  }

  lines(): FaultLine[] {
    return [...this.#lines].sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
  }

  /** Writes faults.ndjson into the run folder when anything was injected; returns how many lines. */
  write(runDir: string): number {
    const lines = this.lines();
    if (lines.length > 0)
      writeFileSync(join(runDir, FAULTS_FILE), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    return lines.length;
  }
}
