// What a service's fault schedule really did, as periods with a start and an end, for the run folder's
// faults.ndjson (reports/src/faults.ts). Each service records every change of a fault group (set,
// replaced, cleared) with the moment it happened; a period is the part of a window that was in force:
// a window replaced or cleared early ends then, and one that had not started yet never happened. Pure.

export interface FaultPeriod {
  /** What was injected, in words for the chart's legend: "billing outage", "database latency +200 ms". */
  kind: string;
  startAt: string;
  /** null while it is still in force. */
  endAt: string | null;
}

/** A window as a service stores it: epoch ms, null for "from now on" or "until cleared". */
export interface ScheduledFault {
  kind: string;
  startAt: number | null;
  endAt: number | null;
}

interface Entry {
  group: string;
  kind: string;
  startMs: number;
  endMs: number | null;
}

/** Kept small: a long soak re-scheduling faults must not grow a service's memory without bound. */
const MAX_PERIODS = 1000;

export class FaultHistory {
  readonly #entries: Entry[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A group's fault is now `fault` (null: cleared). The group's earlier window ends here if still open. */
  change(group: string, fault: ScheduledFault | null): void {
    const at = this.#now();
    this.#close(group, at);
    if (!fault) return;
    const startMs = Math.max(at, fault.startAt ?? at);
    if (fault.endAt !== null && fault.endAt <= startMs) return;
    this.#entries.push({ group, kind: fault.kind, startMs, endMs: fault.endAt });
    if (this.#entries.length > MAX_PERIODS) this.#entries.splice(0, this.#entries.length - MAX_PERIODS);
  }

  /** Every group cleared at once. */
  clear(): void {
    const at = this.#now();
    for (const group of new Set(this.#entries.map((e) => e.group))) this.#close(group, at);
  }

  /** The periods so far, oldest first: cut at now, and without those that have not begun. */
  periods(): FaultPeriod[] {
    const now = this.#now();
    return this.#entries
      .filter((e) => e.startMs < now)
      .map((e) => ({
        kind: e.kind,
        startAt: new Date(e.startMs).toISOString(),
        endAt: e.endMs === null || e.endMs > now ? null : new Date(e.endMs).toISOString(),
      }));
  }

  #close(group: string, at: number): void {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i];
      if (!entry || entry.group !== group) continue;
      if (entry.startMs >= at) this.#entries.splice(i, 1);
      else if (entry.endMs === null || entry.endMs > at) entry.endMs = at;
    }
  }
}
