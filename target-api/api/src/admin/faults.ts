// Environment faults on the API side (docs/DEFECTS.md "the world misbehaving"): added database latency,
// and the two stores of the early-2023 outage (identity, documents) failing or hanging, optionally only
// inside a [startAt, endAt) window so a scenario can schedule it ahead; every change is kept in a history
// (GET /admin/faults/history) that the harness turns into the run's faults.ndjson.
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultHistory, type FaultPeriod } from '../../../shared/fault-history.ts';

export interface FaultSettings {
  database: { latencyMs: number; jitterMs: number };
  /** The identity store behind login and password reset (absent: no identity fault). */
  identity?: StoreFaults;
  /** The document store behind uploads (absent: no document fault). */
  documents?: StoreFaults;
  startAt: string | null;
  endAt: string | null;
}

/**
 * The early-2023 outage: a store the API calls (the identity store of accounts and passwords, the
 * document store of uploads; services of their own in the field) answers late or not at all.
 * `errorRate` is the share of calls that fail at once; the others wait `latencyMs` first (longer than a
 * client waits is a timeout).
 */
export interface StoreFaults {
  latencyMs: number;
  errorRate: number;
}

/** The stores a fault can take down, and what the fault history calls each. */
export type FaultyStore = 'identity' | 'documents';
const STORE_LABEL: Record<FaultyStore, string> = { identity: 'identity store', documents: 'document store' };

/** What happens to one call of a store now. */
export interface StoreFault {
  delayMs: number;
  fail: boolean;
}

/** A call to a store that failed because of an injected fault (the store's own failure, not the API's). */
export class StoreUnavailableError extends Error {
  readonly code = 'ERR_STORE_UNAVAILABLE';
  readonly store: FaultyStore;
  constructor(store: FaultyStore) {
    super(`the ${STORE_LABEL[store]} failed`);
    this.store = store;
    this.name = 'StoreUnavailableError';
  }
}

/** Plays one call's fault: waits its delay, then throws StoreUnavailableError if the call fails. */
export async function sufferStoreFault(faults: Faults, store: FaultyStore): Promise<void> {
  const fault = faults.storeFault(store);
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.fail) throw new StoreUnavailableError(store);
}

export interface Faults {
  get(): FaultSettings;
  set(settings: FaultSettings): void;
  clear(): void;
  /** The latency to add to the next statement now (0 outside the window). */
  databaseLatencyMs(): number;
  /** The delay and failure of the next call of `store` now (none outside the window). */
  storeFault(store: FaultyStore): StoreFault;
  /** What was really in force, and when (shared/fault-history.ts). */
  history(): FaultPeriod[];
}

const NO_STORE_FAULT: StoreFault = { delayMs: 0, fail: false };
const STORES: readonly FaultyStore[] = ['identity', 'documents'];

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
      for (const store of STORES) {
        const fault = settings[store];
        history.change(
          store,
          !fault || (fault.latencyMs === 0 && fault.errorRate === 0)
            ? null
            : {
                kind: `${STORE_LABEL[store]} ${Math.round(fault.errorRate * 100)}% failing, +${fault.latencyMs} ms`,
                ...span,
              },
        );
      }
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
    storeFault(store) {
      const fault = current[store];
      if (!fault || (fault.latencyMs === 0 && fault.errorRate === 0)) return NO_STORE_FAULT;
      const t = now();
      if (t < window[0] || t >= window[1]) return NO_STORE_FAULT;
      const fail = fault.errorRate > 0 && Math.random() < fault.errorRate;
      return fail ? { delayMs: 0, fail } : { delayMs: fault.latencyMs, fail };
    },
    history: () => history.periods(),
  };
}
