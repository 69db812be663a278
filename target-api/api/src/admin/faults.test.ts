import { describe, expect, it } from 'vitest';
import { createFaults } from './faults.ts';

describe('API-side faults', () => {
  it('adds database latency only inside its [startAt, endAt) window', () => {
    let now = Date.parse('2026-03-02T00:00:00Z');
    const faults = createFaults(() => now);
    expect(faults.databaseLatencyMs()).toBe(0);
    faults.set({
      database: { latencyMs: 250, jitterMs: 0 },
      startAt: '2026-03-02T00:01:00Z',
      endAt: '2026-03-02T00:02:00Z',
    });
    expect(faults.databaseLatencyMs()).toBe(0);
    now += 60_000;
    expect(faults.databaseLatencyMs()).toBe(250);
    now += 60_000;
    expect(faults.databaseLatencyMs()).toBe(0);
  });

  it('adds jitter on top and clears back to none', () => {
    const faults = createFaults(() => 0);
    faults.set({ database: { latencyMs: 100, jitterMs: 50 }, startAt: null, endAt: null });
    const sample = faults.databaseLatencyMs();
    expect(sample).toBeGreaterThanOrEqual(100);
    expect(sample).toBeLessThan(150);
    faults.clear();
    expect(faults.databaseLatencyMs()).toBe(0);
    expect(faults.get().database.latencyMs).toBe(0);
  });

  it('keeps a history of what was in force: a window cleared early ends when it was cleared', () => {
    let now = Date.parse('2026-03-02T00:00:00Z');
    const faults = createFaults(() => now);
    faults.set({ database: { latencyMs: 200, jitterMs: 0 }, startAt: null, endAt: '2026-03-02T00:01:00Z' });
    now += 20_000;
    faults.clear();
    now += 60_000;
    expect(faults.history()).toEqual([
      {
        kind: 'database latency +200 ms',
        startAt: '2026-03-02T00:00:00.000Z',
        endAt: '2026-03-02T00:00:20.000Z',
      },
    ]);
  });
});
