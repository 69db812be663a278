// constant-arrival-rate: `rate` iteration starts per `timeUnit` for `duration`, whatever the answers take.
import { dur, int, type Raw } from '../config-fields.ts';
import { ArrivalRate } from './arrival-rate.ts';
import { arrivalTotal } from './arrival-schedule.ts';
import type { ExecutorType } from './registry.ts';

export interface ConstantArrivalRateConfig {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnitMs: number;
  durationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

const stagesOf = (c: ConstantArrivalRateConfig) => [{ durationMs: c.durationMs, target: c.rate }];

export const constantArrivalRate: ExecutorType<ConstantArrivalRateConfig> = {
  name: 'constant-arrival-rate',
  defaults: { timeUnit: '1s' },
  parse: (raw: Raw, where: string) => {
    const preAllocatedVUs = int(raw, 'preAllocatedVUs', undefined, where);
    return {
      executor: 'constant-arrival-rate',
      rate: int(raw, 'rate', undefined, where, 1),
      timeUnitMs: dur(raw, 'timeUnit', '1s', where),
      durationMs: dur(raw, 'duration', undefined, where),
      preAllocatedVUs,
      maxVUs: Math.max(preAllocatedVUs, int(raw, 'maxVUs', preAllocatedVUs, where)),
    };
  },
  durationMs: (c) => c.durationMs,
  maxVUs: (c) => c.maxVUs,
  plannedIterations: (c) => arrivalTotal(c.rate, stagesOf(c), c.timeUnitMs),
  iterationBound: false,
  arrivalRate: true,
  create: (args, c) =>
    new ArrivalRate(args, {
      startRate: c.rate,
      stages: stagesOf(c),
      timeUnitMs: c.timeUnitMs,
      preAllocatedVUs: c.preAllocatedVUs,
      maxVUs: c.maxVUs,
    }),
};
