import { describe, expect, it } from 'vitest';
import {
  activeBillingFaults,
  activeNoticeFaults,
  applyFaultsUpdate,
  decideBillingFault,
  decideNoticeFate,
  FaultWindowError,
  NO_BILLING_FAULTS,
  NO_FAULTS,
  NO_NOTICE_FAULTS,
} from './schedule.ts';

const t0 = Date.parse('2026-01-13T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A random source that replays the given numbers. */
function dice(...values: number[]): () => number {
  let i = 0;
  return () => values[i++] ?? 0.999;
}

describe('fault schedule', () => {
  it('applies a fault only inside its window [startAt, endAt)', () => {
    const settings = applyFaultsUpdate(NO_FAULTS, {
      billing: { outage: true },
      startAt: iso(t0 + 10_000),
      endAt: iso(t0 + 20_000),
    });
    expect(activeBillingFaults(settings, t0 + 9_999)).toEqual(NO_BILLING_FAULTS);
    expect(activeBillingFaults(settings, t0 + 10_000).outage).toBe(true);
    expect(activeBillingFaults(settings, t0 + 19_999).outage).toBe(true);
    expect(activeBillingFaults(settings, t0 + 20_000)).toEqual(NO_BILLING_FAULTS);
  });

  it("lets a group's own window override the top-level one", () => {
    const settings = applyFaultsUpdate(NO_FAULTS, {
      billing: { latencyMs: 300 },
      notices: { dropRate: 1, startAt: iso(t0 + 50_000) },
      startAt: iso(t0),
    });
    expect(activeBillingFaults(settings, t0 + 1).latencyMs).toBe(300);
    expect(activeNoticeFaults(settings, t0 + 1)).toEqual(NO_NOTICE_FAULTS);
    expect(activeNoticeFaults(settings, t0 + 50_000).dropRate).toBe(1);
  });

  it('keeps a group the update does not mention and replaces one it does', () => {
    const first = applyFaultsUpdate(NO_FAULTS, { billing: { errorRate: 0.5 }, notices: { delayMs: 100 } });
    const second = applyFaultsUpdate(first, { billing: { timeoutRate: 0.2 } });
    expect(activeBillingFaults(second, t0)).toEqual({ ...NO_BILLING_FAULTS, timeoutRate: 0.2 });
    expect(activeNoticeFaults(second, t0).delayMs).toBe(100);
  });

  it('refuses a window that ends before it starts', () => {
    expect(() =>
      applyFaultsUpdate(NO_FAULTS, { billing: { outage: true }, startAt: iso(t0), endAt: iso(t0 - 1) }),
    ).toThrow(FaultWindowError);
  });

  it('decides outage first, then error, then timeout, by the given rates', () => {
    const faults = { latencyMs: 0, errorRate: 0.3, timeoutRate: 0.5, outage: false };
    expect(decideBillingFault({ ...faults, outage: true }, dice(0.9, 0.9))).toBe('outage');
    expect(decideBillingFault(faults, dice(0.29))).toBe('error');
    expect(decideBillingFault(faults, dice(0.3, 0.49))).toBe('timeout');
    expect(decideBillingFault(faults, dice(0.3, 0.5))).toBe('none');
  });

  it('drops, duplicates and holds notices as configured; a dropped notice is never duplicated', () => {
    const faults = { delayMs: 250, dropRate: 0.1, duplicateRate: 0.5, reorder: true };
    expect(decideNoticeFate(faults, dice(0.05))).toEqual({ drop: true, copies: 1, delayMs: 250, hold: true });
    expect(decideNoticeFate(faults, dice(0.5, 0.2))).toEqual({
      drop: false,
      copies: 2,
      delayMs: 250,
      hold: true,
    });
    expect(decideNoticeFate(faults, dice(0.5, 0.7)).copies).toBe(1);
  });

  it('hits an error rate close to the configured one over many calls', () => {
    const faults = { ...NO_BILLING_FAULTS, errorRate: 0.2 };
    let errors = 0;
    for (let i = 0; i < 10_000; i++) if (decideBillingFault(faults, Math.random) === 'error') errors++;
    expect(errors / 10_000).toBeGreaterThan(0.17);
    expect(errors / 10_000).toBeLessThan(0.23);
  });
});
