// Environment faults on the API side (docs/DEFECTS.md "the world misbehaving"): added database latency,
// optionally only inside a [startAt, endAt) window so a scenario can schedule it ahead; every change is
// kept in a history (GET /admin/faults/history) that the harness turns into the run's faults.ndjson.
import { FaultHistory, type FaultPeriod } from '../../../shared/fault-history.ts';

export interface FaultSettings {
  database: { latencyMs: number; jitterMs: number };
  /** The identity store behind login and password reset (absent: no identity fault). */
  identity?: IdentityFaults;
  startAt: string | null;
  endAt: string | null;
}

/**
 * The early-2023 outage: the identity store (accounts and their passwords; a service of its own in the
 * field) answers late or not at all. `errorRate` is the share of identity calls that fail at once; the
 * others wait `latencyMs` first (longer than a client waits is a timeout).
 */
export interface IdentityFaults {
  latencyMs: number;
  errorRate: number;
}

/** What happens to one identity call now. */
export interface IdentityFault {
  delayMs: number;
  fail: boolean;
}

export interface Faults {
  get(): FaultSettings;
  set(settings: FaultSettings): void;
  clear(): void;
  /** The latency to add to the next statement now (0 outside the window). */
  databaseLatencyMs(): number;
  /** The delay and failure of the next identity call now (none outside the window). */
  identityFault(): IdentityFault;
  /** What was really in force, and when (shared/fault-history.ts). */
  history(): FaultPeriod[];
}

const NO_IDENTITY_FAULT: IdentityFault = { delayMs: 0, fail: false };

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
      const span = {
        startAt: settings.startAt ? Date.parse(settings.startAt) : null,
        endAt: settings.endAt ? Date.parse(settings.endAt) : null,
      };
      const { latencyMs, jitterMs } = settings.database;
      history.change(
        'database',
        latencyMs === 0 && jitterMs === 0
          ? null
          : {
              kind: `database latency +${latencyMs}${jitterMs > 0 ? `-${latencyMs + jitterMs}` : ''} ms`,
              ...span,
            },
      );
      const identity = settings.identity;
      history.change(
        'identity',
        !identity || (identity.latencyMs === 0 && identity.errorRate === 0)
          ? null
          : {
              kind: `identity store ${Math.round(identity.errorRate * 100)}% failing, +${identity.latencyMs} ms`,
              ...span,
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
    identityFault() {
      const identity = current.identity;
      if (!identity || (identity.latencyMs === 0 && identity.errorRate === 0)) return NO_IDENTITY_FAULT;
      const t = now();
      if (t < window[0] || t >= window[1]) return NO_IDENTITY_FAULT;
      const fail = identity.errorRate > 0 && Math.random() < identity.errorRate;
      return fail ? { delayMs: 0, fail } : { delayMs: identity.latencyMs, fail };
    },
    history: () => history.periods(),
  };
}
