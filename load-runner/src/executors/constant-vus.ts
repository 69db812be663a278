// constant-vus: a fixed number of VUs loop over iterations for a duration (closed model).
import { dur, int, type Raw } from '../config-fields.ts';
import type { VU } from '../runtime.ts';
import { ScenarioExecution } from './base.ts';
import type { ExecutionArgs, ExecutorType } from './registry.ts';

export interface ConstantVUsConfig {
  executor: 'constant-vus';
  vus: number;
  durationMs: number;
}

class ConstantVUs extends ScenarioExecution {
  private readonly config: ConstantVUsConfig;
  constructor(args: ExecutionArgs, config: ConstantVUsConfig) {
    super(args);
    this.config = config;
  }

  protected async execute(): Promise<void> {
    const { vus, durationMs } = this.config;
    const end = performance.now() + durationMs;
    const loops: Promise<void>[] = [];
    for (let i = 0; i < vus; i++) loops.push(this.loop(this.newVU(), end));
    await this.waitOrStop(durationMs);
    await this.windDown(Promise.all(loops));
  }

  private async loop(vu: VU, end: number): Promise<void> {
    while (!this.stopping && performance.now() < end) await this.iterate(vu);
  }
}

export const constantVUs: ExecutorType<ConstantVUsConfig> = {
  name: 'constant-vus',
  defaults: { vus: 1 },
  parse: (raw: Raw, where: string) => ({
    executor: 'constant-vus',
    vus: int(raw, 'vus', 1, where, 1),
    durationMs: dur(raw, 'duration', undefined, where),
  }),
  durationMs: (c) => c.durationMs,
  maxVUs: (c) => c.vus,
  plannedIterations: () => null,
  iterationBound: false,
  arrivalRate: false,
  create: (args, c) => new ConstantVUs(args, c),
};
