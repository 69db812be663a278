// A clock that can run faster than real time, so a 2-hour payment window can last seconds in a test.
// Simulated time starts at the real time of creation (or `origin`) and advances `speed` times as fast.

export interface Clock {
  /** Simulated milliseconds since the epoch. */
  now(): number;
  /** Simulated now as a Date. */
  date(): Date;
  /** How many times faster than real time this clock runs. */
  readonly speed: number;
  /** Real milliseconds that `simulatedMs` of this clock take. */
  toRealMs(simulatedMs: number): number;
}

export interface ClockOptions {
  speed?: number;
  origin?: number;
  realNow?: () => number;
}

export function createClock(options: ClockOptions = {}): Clock {
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new RangeError(`clock speed must be a positive number, got ${speed}`);
  }
  const realNow = options.realNow ?? Date.now;
  const realStart = realNow();
  const origin = options.origin ?? realStart;
  const now = (): number => origin + Math.floor((realNow() - realStart) * speed);
  return {
    speed,
    now,
    date: () => new Date(now()),
    toRealMs: (simulatedMs) => simulatedMs / speed,
  };
}
