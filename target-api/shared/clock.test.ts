import { describe, expect, it } from 'vitest';
import { createClock } from './clock.ts';

describe('createClock', () => {
  it('advances speed times faster than real time', () => {
    let real = 1_000;
    const clock = createClock({ speed: 720, origin: 0, realNow: () => real });
    real += 10_000;
    expect(clock.now()).toBe(7_200_000); // 10 real seconds = 2 simulated hours
    expect(clock.toRealMs(7_200_000)).toBe(10_000);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => createClock({ speed: 0 })).toThrow(/positive/);
  });
});
