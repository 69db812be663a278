import { describe, expect, it } from 'vitest';
import { windowOf } from './chaos-audit.ts';
import { FAULT_KINDS, type PlanOptions, planFaults } from './chaos-faults.ts';
import type { RequestRecord } from './chaos-traffic.ts';

const TEN_MINUTES: PlanOptions = {
  seed: 42,
  totalMs: 600_000,
  quietStartMs: 20_000,
  quietEndMs: 30_000,
  gapMs: [10_000, 30_000],
  durationMs: [8_000, 25_000],
};

describe('the fault plan of bench:chaos', () => {
  it('is the same plan for the same seed and another for another seed', () => {
    expect(planFaults(TEN_MINUTES)).toEqual(planFaults(TEN_MINUTES));
    expect(planFaults({ ...TEN_MINUTES, seed: 43 })).not.toEqual(planFaults(TEN_MINUTES));
  });

  it('runs one fault at a time, inside the quiet margins, each kind once before any twice', () => {
    for (let seed = 0; seed < 50; seed++) {
      const plan = planFaults({ ...TEN_MINUTES, seed });
      expect(plan[0]?.atMs).toBe(20_000);
      for (const [i, fault] of plan.entries()) {
        expect(fault.atMs + fault.durationMs).toBeLessThanOrEqual(570_000);
        const next = plan[i + 1];
        if (next) expect(next.atMs).toBeGreaterThanOrEqual(fault.atMs + fault.durationMs + 10_000);
      }
      expect(new Set(plan.slice(0, FAULT_KINDS.length).map((f) => f.kind)).size).toBe(FAULT_KINDS.length);
    }
  });
});

describe('windowOf', () => {
  const record = (at: number, doneAt: number): RequestRecord => ({
    at,
    doneAt,
    service: 'api',
    op: 'book',
    status: 503,
    shed: false,
  });
  const windows = [{ kind: 'api-kill', startMs: 1000, endMs: 2000 }];

  it('puts a request in a window it overlapped, stretched by the grace at the end only', () => {
    expect(windowOf(record(500, 1200), windows, 100)?.kind).toBe('api-kill');
    expect(windowOf(record(2050, 2060), windows, 100)?.kind).toBe('api-kill');
    expect(windowOf(record(2100, 2200), windows, 100)).toBeUndefined();
    expect(windowOf(record(500, 999), windows, 100)).toBeUndefined();
  });
});
