// Environment faults on the API side (docs/DEFECTS.md "the world misbehaving"): added database latency,
// optionally only inside a [startAt, endAt) window so a scenario can schedule it ahead.

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
}

const NONE: FaultSettings = { database: { latencyMs: 0, jitterMs: 0 }, startAt: null, endAt: null };

export function createFaults(now: () => number = Date.now): Faults {
  let current: FaultSettings = NONE;
  let window: [number, number] = [-Infinity, Infinity];
  return {
    get: () => current,
    set(settings) {
      current = settings;
      window = [
        settings.startAt ? Date.parse(settings.startAt) : -Infinity,
        settings.endAt ? Date.parse(settings.endAt) : Infinity,
      ];
    },
    clear() {
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
  };
}
