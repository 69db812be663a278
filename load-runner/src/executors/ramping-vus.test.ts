import { describe, expect, it } from 'vitest';
import { rampingVUsAt } from './ramping-vus.ts';

describe('ramping-vus VU count', () => {
  const stages = [
    { durationMs: 10_000, target: 10 },
    { durationMs: 5000, target: 10 },
    { durationMs: 10_000, target: 0 },
  ];
  it('adds a VU each time the linear ramp crosses an integer', () => {
    expect(rampingVUsAt(0, stages, 0)).toBe(0);
    expect(rampingVUsAt(0, stages, 999)).toBe(0);
    expect(rampingVUsAt(0, stages, 1000)).toBe(1);
    expect(rampingVUsAt(0, stages, 9999)).toBe(9);
    expect(rampingVUsAt(0, stages, 12_000)).toBe(10);
  });
  it('removes a VU each time the ramp down crosses an integer, and ends at the last target', () => {
    expect(rampingVUsAt(0, stages, 15_500)).toBe(10);
    expect(rampingVUsAt(0, stages, 16_000)).toBe(9);
    expect(rampingVUsAt(0, stages, 24_999)).toBe(1);
    expect(rampingVUsAt(0, stages, 30_000)).toBe(0);
  });
});
