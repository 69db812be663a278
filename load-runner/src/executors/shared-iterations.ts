// shared-iterations: a number of iterations shared by the VUs, whichever is free takes the next.
import { dur, int, type Raw } from '../config-fields.ts';
import type { VU } from '../runtime.ts';
import { ScenarioExecution } from './base.ts';
import type { ExecutionArgs, ExecutorType } from './registry.ts';

export interface SharedIterationsConfig {
  executor: 'shared-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

class SharedIterations extends ScenarioExecution {
  private readonly config: SharedIterationsConfig;
  constructor(args: ExecutionArgs, config: SharedIterationsConfig) {
    super(args);
    this.config = config;
  }

  protected async execute(): Promise<void> {
    const { vus, iterations, maxDurationMs } = this.config;
    let remaining = iterations;
    const loop = async (vu: VU): Promise<void> => {
      while (!this.stopping && remaining > 0) {
        remaining--;
        await this.iterate(vu);
      }
    };
    const loops = Promise.all(Array.from({ length: Math.min(vus, iterations) }, () => loop(this.newVU())));
    await Promise.race([loops, this.waitOrStop(maxDurationMs)]);
    await this.windDown(loops);
  }
}

export const sharedIterations: ExecutorType<SharedIterationsConfig> = {
  name: 'shared-iterations',
  defaults: { vus: 1, iterations: 1, maxDuration: '10m' },
  parse: (raw: Raw, where: string) => ({
    executor: 'shared-iterations',
    vus: int(raw, 'vus', 1, where, 1),
    iterations: int(raw, 'iterations', 1, where, 1),
    maxDurationMs: dur(raw, 'maxDuration', '10m', where),
  }),
  durationMs: (c) => c.maxDurationMs,
  maxVUs: (c) => Math.min(c.vus, c.iterations),
  plannedIterations: (c) => c.iterations,
  iterationBound: true,
  arrivalRate: false,
  create: (args, c) => new SharedIterations(args, c),
};
