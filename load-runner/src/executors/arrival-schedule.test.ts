import { describe, expect, it } from 'vitest';
import { arrivalOffsets, arrivalTotal } from './arrival-schedule.ts';

describe('arrival schedule', () => {
  it('spaces a constant rate exactly 1/r apart, starting at 0', () => {
    const offsets = [...arrivalOffsets(500, [{ durationMs: 10_000, target: 500 }], 1000)];
    expect(offsets).toHaveLength(5000);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeCloseTo(2, 9);
    expect(offsets[4999]).toBeCloseTo(9998, 6);
  });

  it('starts the n-th iteration of a 0 -> 400/s ramp when the rate integral reaches n', () => {
    const offsets = [...arrivalOffsets(0, [{ durationMs: 10_000, target: 400 }], 1000)];
    expect(offsets).toHaveLength(2000);
    // rate(t) = 40 t per s, integral = 20 t^2  =>  t_n = sqrt(n / 20) s
    for (const n of [1, 20, 500, 1999]) expect(offsets[n]).toBeCloseTo(Math.sqrt(n / 20) * 1000, 6);
    expect(arrivalTotal(0, [{ durationMs: 10_000, target: 400 }], 1000)).toBe(2000);
  });

  it('follows several stages, a timeUnit other than 1s, and a pause at rate 0', () => {
    const stages = [
      { durationMs: 2000, target: 60 }, // 30/min -> 60/min: 1.5 starts
      { durationMs: 1000, target: 0 }, // ramp down: 0.5 start
      { durationMs: 5000, target: 0 }, // nothing
    ];
    const offsets = [...arrivalOffsets(30, stages, 60_000)];
    expect(offsets).toEqual([0, expect.any(Number)]);
    expect(offsets[1]).toBeGreaterThan(1000);
    expect(offsets[1]).toBeLessThan(2000);
    const ascending = [
      ...arrivalOffsets(
        10,
        [
          { durationMs: 3000, target: 100 },
          { durationMs: 3000, target: 5 },
        ],
        1000,
      ),
    ];
    for (let i = 1; i < ascending.length; i++)
      expect(ascending[i]).toBeGreaterThanOrEqual(ascending[i - 1] as number);
    expect(ascending.length).toBe(
      arrivalTotal(
        10,
        [
          { durationMs: 3000, target: 100 },
          { durationMs: 3000, target: 5 },
        ],
        1000,
      ),
    );
  });
});
