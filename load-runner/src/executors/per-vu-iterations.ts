// per-vu-iterations: each VU runs the same number of iterations.
import { dur, int, type Raw } from '../config-fields.ts';
import type { VU } from '../runtime.ts';
import { ScenarioExecution } from './base.ts';
import type { ExecutionArgs, ExecutorType } from './registry.ts';

export interface PerVUIterationsConfig {
  executor: 'per-vu-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

class PerVUIterations extends ScenarioExecution {
  private readonly config: PerVUIterationsConfig;
  constructor(args: ExecutionArgs, config: PerVUIterationsConfig) {
    super(args);
    this.config = config;
  }

  protected async execute(): Promise<void> {
    const { vus, iterations, maxDurationMs } = this.config;
    const loop = async (vu: VU): Promise<void> => {
      for (let i = 0; i < iterations && !this.stopping; i++) await this.iterate(vu);
    };
    const loops = Promise.all(Array.from({ length: vus }, () => loop(this.newVU())));
    await Promise.race([loops, this.waitOrStop(maxDurationMs)]);
    await this.windDown(loops);
  }
}

export const perVUIterations: ExecutorType<PerVUIterationsConfig> = {
  name: 'per-vu-iterations',
  defaults: { vus: 1, iterations: 1, maxDuration: '10m' },
  parse: (raw: Raw, where: string) => ({
    executor: 'per-vu-iterations',
    vus: int(raw, 'vus', 1, where, 1),
    iterations: int(raw, 'iterations', 1, where, 1),
    maxDurationMs: dur(raw, 'maxDuration', '10m', where),
  }),
  durationMs: (c) => c.maxDurationMs,
  maxVUs: (c) => c.vus,
  plannedIterations: (c) => c.iterations * c.vus,
  iterationBound: true,
  arrivalRate: false,
  create: (args, c) => new PerVUIterations(args, c),
};
