// The closed-model executors: a VU starts its next iteration when the previous one ends.
import type { VU } from '../runtime.ts';
import { ScenarioExecution } from './base.ts';

export class ConstantVUs extends ScenarioExecution {
  protected async execute(): Promise<void> {
    const sc = this.scenario;
    if (sc.executor !== 'constant-vus') return;
    const end = performance.now() + sc.durationMs;
    const loops: Promise<void>[] = [];
    for (let i = 0; i < sc.vus; i++) loops.push(this.loop(this.newVU(), end));
    await this.waitOrStop(sc.durationMs);
    await this.windDown(Promise.all(loops));
  }

  private async loop(vu: VU, end: number): Promise<void> {
    while (!this.stopping && performance.now() < end) await this.iterate(vu);
  }
}

export class SharedIterations extends ScenarioExecution {
  protected async execute(): Promise<void> {
    const sc = this.scenario;
    if (sc.executor !== 'shared-iterations') return;
    let remaining = sc.iterations;
    const loop = async (vu: VU): Promise<void> => {
      while (!this.stopping && remaining > 0) {
        remaining--;
        await this.iterate(vu);
      }
    };
    const loops = Promise.all(
      Array.from({ length: Math.min(sc.vus, sc.iterations) }, () => loop(this.newVU())),
    );
    await Promise.race([loops, this.waitOrStop(sc.maxDurationMs)]);
    await this.windDown(loops);
  }
}

export class PerVUIterations extends ScenarioExecution {
  protected async execute(): Promise<void> {
    const sc = this.scenario;
    if (sc.executor !== 'per-vu-iterations') return;
    const loop = async (vu: VU): Promise<void> => {
      for (let i = 0; i < sc.iterations && !this.stopping; i++) await this.iterate(vu);
    };
    const loops = Promise.all(Array.from({ length: sc.vus }, () => loop(this.newVU())));
    await Promise.race([loops, this.waitOrStop(sc.maxDurationMs)]);
    await this.windDown(loops);
  }
}

/** VU count at `t` ms: linear between stage targets, changing when the line crosses an integer. */
export function rampingVUsAt(
  startVUs: number,
  stages: Array<{ durationMs: number; target: number }>,
  t: number,
): number {
  let from = startVUs;
  let at = 0;
  for (const stage of stages) {
    if (t < at + stage.durationMs) {
      const exact = from + ((stage.target - from) * (t - at)) / stage.durationMs;
      return stage.target >= from ? Math.floor(exact + 1e-9) : Math.ceil(exact - 1e-9);
    }
    at += stage.durationMs;
    from = stage.target;
  }
  return from;
}

export class RampingVUs extends ScenarioExecution {
  protected async execute(): Promise<void> {
    const sc = this.scenario;
    if (sc.executor !== 'ramping-vus') return;
    const total = sc.stages.reduce((sum, s) => sum + s.durationMs, 0);
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
    await this.windDown(Promise.all(loops));
  }
}
