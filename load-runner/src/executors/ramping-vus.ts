// ramping-vus: the VU count follows linear stages; VUs taken away finish their iteration within
// gracefulRampDown, including those of a last ramp to zero at the very end (as k6).
import { dur, int, type Raw, type Stage, stages, stagesTotalMs } from '../config-fields.ts';
import type { VU } from '../runtime.ts';
import { ScenarioExecution } from './base.ts';
import type { ExecutionArgs, ExecutorType } from './registry.ts';

export interface RampingVUsConfig {
  executor: 'ramping-vus';
  startVUs: number;
  stages: Stage[];
  gracefulRampDownMs: number;
}

/** VU count at `t` ms: linear between stage targets, changing when the line crosses an integer. */
export function rampingVUsAt(startVUs: number, list: Stage[], t: number): number {
  let from = startVUs;
  let at = 0;
  for (const stage of list) {
    if (t < at + stage.durationMs) {
      const exact = from + ((stage.target - from) * (t - at)) / stage.durationMs;
      return stage.target >= from ? Math.floor(exact + 1e-9) : Math.ceil(exact - 1e-9);
    }
    at += stage.durationMs;
    from = stage.target;
  }
  return from;
}

class RampingVUs extends ScenarioExecution {
  private readonly config: RampingVUsConfig;
  constructor(args: ExecutionArgs, config: RampingVUsConfig) {
    super(args);
    this.config = config;
  }

  protected async execute(): Promise<void> {
    const sc = this.config;
    const total = stagesTotalMs(sc.stages);
    const pool: VU[] = [];
    // Each slot is one looping VU; `retiring` slots finish their iteration and leave (gracefulRampDown).
    const slots: Array<{ vu: VU; retiring: boolean; loop: Promise<void> }> = [];
    const loops: Promise<void>[] = [];
    const started = performance.now();
    const loop = async (slot: { vu: VU; retiring: boolean }): Promise<void> => {
      while (!this.stopping && !slot.retiring) await this.iterate(slot.vu);
      pool.push(slot.vu);
    };
    const setTarget = (target: number): void => {
      const active = slots.filter((s) => !s.retiring);
      for (let i = active.length; i < target; i++) {
        const slot = { vu: pool.pop() ?? this.newVU(), retiring: false, loop: Promise.resolve() };
        slot.loop = loop(slot);
        loops.push(slot.loop);
        slots.push(slot);
      }
      for (let i = active.length - 1; i >= target; i--) {
        const slot = active[i];
        if (!slot) continue;
        slot.retiring = true;
        const timer = setTimeout(() => this.interrupt(slot.vu), sc.gracefulRampDownMs);
        void slot.loop.then(() => clearTimeout(timer));
      }
      for (let i = slots.length - 1; i >= 0; i--) if (slots[i]?.retiring) slots.splice(i, 1);
    };
    setTarget(rampingVUsAt(sc.startVUs, sc.stages, 0));
    while (!this.stopping) {
      const elapsed = performance.now() - started;
      if (elapsed >= total) break;
      setTarget(rampingVUsAt(sc.startVUs, sc.stages, elapsed));
      await this.waitOrStop(Math.min(10, total - elapsed));
    }
    // The last stage's target at the end: a ramp to zero retires its VUs with gracefulRampDown, not
    // gracefulStop (windDown still caps everything at gracefulStop).
    if (!this.stopping) setTarget(rampingVUsAt(sc.startVUs, sc.stages, total));
    await this.windDown(Promise.all(loops));
  }
}

export const rampingVUs: ExecutorType<RampingVUsConfig> = {
  name: 'ramping-vus',
  defaults: { startVUs: 1, gracefulRampDown: '30s' },
  parse: (raw: Raw, where: string) => ({
    executor: 'ramping-vus',
    startVUs: int(raw, 'startVUs', 1, where),
    stages: stages(raw, where),
    gracefulRampDownMs: dur(raw, 'gracefulRampDown', '30s', where),
  }),
  durationMs: (c) => stagesTotalMs(c.stages),
  maxVUs: (c) => Math.max(c.startVUs, ...c.stages.map((s) => s.target)),
  plannedIterations: () => null,
  iterationBound: false,
  arrivalRate: false,
  create: (args, c) => new RampingVUs(args, c),
};
