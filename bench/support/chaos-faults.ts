// The faults of `npm run bench:chaos`: a seeded plan of when each one starts and how long it lasts
// (pure), and how each is switched on and off through the two services' /admin/faults routes or, for a
// crash, the stack's restartApi.

import { seededRandom } from '@paspor-lab/reports/random';
import type { Pool } from 'undici';
import { adminJson } from './bookers.ts';

export const FAULT_KINDS = [
  'billing-outage',
  'notice-loss',
  'notice-duplication',
  'database-latency',
  'api-kill',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  kind: FaultKind;
  /** Milliseconds after the start of the traffic. */
  atMs: number;
  /** How long the fault is on; an api-kill lasts as long as the restart takes, whatever this says. */
  durationMs: number;
}

export interface PlanOptions {
  seed: number;
  totalMs: number;
  /** Quiet at the start (the traffic settles) and at the end (the last fault's effects play out). */
  quietStartMs: number;
  quietEndMs: number;
  gapMs: [number, number];
  durationMs: [number, number];
}

/**
 * One fault at a time, so every 5xx can be put down to the fault that was on (or to none). Kinds come
 * from a shuffled bag, so each kind appears once before any appears twice, even in a short run.
 */
export function planFaults(options: PlanOptions): PlannedFault[] {
  const random = seededRandom(options.seed);
  const between = ([low, high]: [number, number]) => Math.round(low + random() * (high - low));
  const plan: PlannedFault[] = [];
  let bag: FaultKind[] = [];
  let at = options.quietStartMs;
  for (;;) {
    if (bag.length === 0) {
      bag = [...FAULT_KINDS];
      for (let i = bag.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [bag[i], bag[j]] = [bag[j] as FaultKind, bag[i] as FaultKind];
      }
    }
    const kind = bag.pop() as FaultKind;
    const durationMs = between(options.durationMs);
    if (at + durationMs > options.totalMs - options.quietEndMs) break;
    plan.push({ kind, atMs: at, durationMs });
    at += durationMs + between(options.gapMs);
  }
  return plan;
}

export interface FaultTargets {
  api: Pool;
  billing: Pool;
  adminToken: string;
  restartApi(): Promise<void>;
}

/**
 * Switches one fault on and returns when it is off again. Windowed faults carry their own endAt on
 * the service, so a fault ends even if this process dies; the DELETE afterwards is for the clean state.
 */
export async function injectFault(targets: FaultTargets, fault: PlannedFault): Promise<void> {
  const endAt = new Date(Date.now() + fault.durationMs).toISOString();
  const billing = (body: unknown) =>
    persist(() => adminJson(targets.billing, 'PUT', '/admin/faults', targets.adminToken, body));
  switch (fault.kind) {
    case 'api-kill':
      await targets.restartApi();
      return;
    case 'billing-outage':
      await billing({ billing: { outage: true, endAt } });
      break;
    case 'notice-loss':
      await billing({ notices: { dropRate: 0.5, endAt } });
      break;
    case 'notice-duplication':
      await billing({ notices: { duplicateRate: 0.5, endAt } });
      break;
    case 'database-latency':
      await persist(() =>
        adminJson(targets.api, 'PUT', '/admin/faults', targets.adminToken, {
          database: { latencyMs: 100, jitterMs: 200 },
          endAt,
        }),
      );
      break;
  }
  await new Promise((resolve) => setTimeout(resolve, fault.durationMs));
  await clearFaults(targets);
}

export async function clearFaults(targets: FaultTargets): Promise<void> {
  await persist(() => adminJson(targets.billing, 'DELETE', '/admin/faults', targets.adminToken));
  await persist(() => adminJson(targets.api, 'DELETE', '/admin/faults', targets.adminToken));
}

/** An admin call on a machine this busy may meet a full socket queue: three tries, a second apart. */
async function persist<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt === 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
