// Environment faults on the API side (docs/DEFECTS.md "the world misbehaving"): added database latency,
// optionally only inside a [startAt, endAt) window so a scenario can schedule it ahead; every change is
// kept in a history (GET /admin/faults/history) that the harness turns into the run's faults.ndjson.
import { FaultHistory, type FaultPeriod } from '../../../shared/fault-history.ts';

export interface FaultSettings {
  database: { latencyMs: number; jitterMs: number };
  startAt: string | null;
  endAt: string | null;
}

export interface Faults {
  get(): FaultSettings;
  set(settings: FaultSettings): void;
  clear(): void;
  /** The latency to add to the next statement now (0 outside the window). */
  databaseLatencyMs(): number;
  /** What was really in force, and when (shared/fault-history.ts). */
  history(): FaultPeriod[];
}

const NONE: FaultSettings = { database: { latencyMs: 0, jitterMs: 0 }, startAt: null, endAt: null };

export function createFaults(now: () => number = Date.now): Faults {
  let current: FaultSettings = NONE;
  let window: [number, number] = [-Infinity, Infinity];
  const history = new FaultHistory(now);
  return {
    get: () => current,
    set(settings) {
      current = settings;
      window = [
        settings.startAt ? Date.parse(settings.startAt) : -Infinity,
        settings.endAt ? Date.parse(settings.endAt) : Infinity,
      ];
      const { latencyMs, jitterMs } = settings.database;
      history.change(
        'database',
        latencyMs === 0 && jitterMs === 0
          ? null
          : {
              kind: `database latency +${latencyMs}${jitterMs > 0 ? `-${latencyMs + jitterMs}` : ''} ms`,
              startAt: settings.startAt ? Date.parse(settings.startAt) : null,
              endAt: settings.endAt ? Date.parse(settings.endAt) : null,
            },
      );
    },
    clear() {
      history.clear();
      current = NONE;
      window = [-Infinity, Infinity];
    },
    databaseLatencyMs() {
      const { latencyMs, jitterMs } = current.database;
      if (latencyMs === 0 && jitterMs === 0) return 0;
      const t = now();
      if (t < window[0] || t >= window[1]) return 0;
      return latencyMs + Math.random() * jitterMs;
    },
    history: () => history.periods(),
  };
}
