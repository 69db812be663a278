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

  it('delays and fails identity calls only inside the window, and not at all once cleared', () => {
    let now = Date.parse('2026-03-02T00:00:00Z');
    const faults = createFaults(() => now);
    expect(faults.storeFault('identity')).toEqual({ delayMs: 0, fail: false });
    faults.set({
      database: { latencyMs: 0, jitterMs: 0 },
      identity: { latencyMs: 8000, errorRate: 1 },
      startAt: '2026-03-02T00:01:00Z',
      endAt: null,
    });
    expect(faults.storeFault('identity')).toEqual({ delayMs: 0, fail: false });
    now += 60_000;
    // A failing call fails at once; with no failures every call waits the latency.
    expect(faults.storeFault('identity')).toEqual({ delayMs: 0, fail: true });
    faults.set({ ...faults.get(), identity: { latencyMs: 8000, errorRate: 0 } });
    expect(faults.storeFault('identity')).toEqual({ delayMs: 8000, fail: false });
    expect(faults.databaseLatencyMs()).toBe(0);
    faults.clear();
    expect(faults.storeFault('identity')).toEqual({ delayMs: 0, fail: false });
  });

  it('keeps the identity outage in the history (faults.ndjson), from its start to its clear', () => {
    let now = Date.parse('2026-03-02T00:00:00Z');
    const faults = createFaults(() => now);
    faults.set({
      database: { latencyMs: 0, jitterMs: 0 },
      identity: { latencyMs: 8000, errorRate: 0.9 },
      startAt: '2026-03-02T00:00:10Z',
      endAt: null,
    });
    now += 40_000;
    faults.clear();
    expect(faults.history()).toEqual([
      {
        kind: 'identity store 90% failing, +8000 ms',
        startAt: '2026-03-02T00:00:10.000Z',
        endAt: '2026-03-02T00:00:40.000Z',
      },
    ]);
  });

  it('takes the document store down on its own: uploads fail while login is untouched, both in the history', () => {
    let now = Date.parse('2026-03-02T00:00:00Z');
    const faults = createFaults(() => now);
    faults.set({
      database: { latencyMs: 0, jitterMs: 0 },
      documents: { latencyMs: 0, errorRate: 1 },
      startAt: null,
      endAt: '2026-03-02T00:00:30Z',
    });
    expect(faults.storeFault('documents')).toEqual({ delayMs: 0, fail: true });
    expect(faults.storeFault('identity')).toEqual({ delayMs: 0, fail: false });
    now += 30_000;
    expect(faults.storeFault('documents')).toEqual({ delayMs: 0, fail: false });
    expect(faults.history()).toEqual([
      {
        kind: 'document store 100% failing, +0 ms',
        startAt: '2026-03-02T00:00:00.000Z',
        endAt: '2026-03-02T00:00:30.000Z',
      },
    ]);
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
