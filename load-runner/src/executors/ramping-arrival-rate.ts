// ramping-arrival-rate: the start rate follows linear stages from startRate (open model).
import { dur, int, type Raw, type Stage, stages, stagesTotalMs } from '../config-fields.ts';
import { ArrivalRate } from './arrival-rate.ts';
import type { ExecutorType } from './registry.ts';

export interface RampingArrivalRateConfig {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnitMs: number;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}

export const rampingArrivalRate: ExecutorType<RampingArrivalRateConfig> = {
  name: 'ramping-arrival-rate',
  defaults: { startRate: 0, timeUnit: '1s' },
  parse: (raw: Raw, where: string) => {
    const preAllocatedVUs = int(raw, 'preAllocatedVUs', undefined, where);
    return {
      executor: 'ramping-arrival-rate',
      startRate: int(raw, 'startRate', 0, where),
      timeUnitMs: dur(raw, 'timeUnit', '1s', where),
      stages: stages(raw, where),
      preAllocatedVUs,
      maxVUs: Math.max(preAllocatedVUs, int(raw, 'maxVUs', preAllocatedVUs, where)),
    };
  },
  durationMs: (c) => stagesTotalMs(c.stages),
  maxVUs: (c) => c.maxVUs,
  plannedIterations: () => null,
  iterationBound: false,
  arrivalRate: true,
  create: (args, c) => new ArrivalRate(args, { ...c }),
};
