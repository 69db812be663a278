// When an open-model executor starts its iterations: the n-th start (counting from 0) happens when the
// integral of the linearly interpolated rate reaches n, as k6's arrival-rate executors schedule them.
import type { Stage } from '../config-fields.ts';

/**
 * Start offsets in ms from the scenario start, lazily (a 10-minute run at 10k/s would be 6M numbers).
 * Rates are iterations per `timeUnitMs`; each stage ramps linearly from the previous target to its own.
 */
export function* arrivalOffsets(startRate: number, stages: Stage[], timeUnitMs: number): Generator<number> {
  let n = 0; // the next start's index
  let stageStart = 0; // ms
  let cumulative = 0; // starts "due" at stageStart
  let fromRate = startRate / timeUnitMs; // per ms
  for (const stage of stages) {
    const toRate = stage.target / timeUnitMs;
    const d = stage.durationMs;
    const stageTotal = d > 0 ? ((fromRate + toRate) / 2) * d : 0;
    const end = cumulative + stageTotal;
    // Within the stage: C(tau) = cumulative + fromRate*tau + slope/2*tau^2, slope = (toRate-fromRate)/d.
    const halfSlope = d > 0 ? (toRate - fromRate) / (2 * d) : 0;
    while (n < end - 1e-9) {
      const need = n - cumulative;
      let tau: number;
      if (Math.abs(halfSlope) < 1e-15) {
        tau = need / fromRate;
      } else {
        // Root of halfSlope*tau^2 + fromRate*tau - need = 0 in the form that stays stable as halfSlope -> 0.
        const disc = Math.max(0, fromRate * fromRate + 4 * halfSlope * need);
        tau = (2 * need) / (fromRate + Math.sqrt(disc));
        if (!Number.isFinite(tau)) tau = Math.sqrt(need / halfSlope);
      }
      yield stageStart + Math.min(Math.max(tau, 0), d);
      n++;
    }
    stageStart += d;
    cumulative = end;
    fromRate = toRate;
  }
}

/** How many starts the schedule holds in total (for progress and tests). */
export function arrivalTotal(startRate: number, stages: Stage[], timeUnitMs: number): number {
  let total = 0;
  let from = startRate;
  for (const stage of stages) {
    total += ((from + stage.target) / 2) * (stage.durationMs / timeUnitMs);
    from = stage.target;
  }
  return Math.ceil(total - 1e-9);
}
