// The open model both arrival-rate executors share: iteration starts are scheduled by the clock, not by
// the end of the previous iteration. A start that finds no free VU (maxVUs reached) counts in
// dropped_iterations.
import type { Stage } from '../config-fields.ts';
import { stagesTotalMs } from '../config-fields.ts';
import type { VU } from '../runtime.ts';
import { arrivalOffsets } from './arrival-schedule.ts';
import { ScenarioExecution } from './base.ts';
import type { ExecutionArgs } from './registry.ts';

export interface ArrivalPlan {
  startRate: number;
  stages: Stage[];
  timeUnitMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export class ArrivalRate extends ScenarioExecution {
  private readonly plan: ArrivalPlan;
  constructor(args: ExecutionArgs, plan: ArrivalPlan) {
    super(args);
    this.plan = plan;
  }

  protected async execute(): Promise<void> {
    const { startRate, stages, timeUnitMs, preAllocatedVUs, maxVUs } = this.plan;
    const free: VU[] = [];
    for (let i = 0; i < preAllocatedVUs; i++) free.push(this.newVU());
    const total = stagesTotalMs(stages);
    const offsets = arrivalOffsets(startRate, stages, timeUnitMs);
    const running = new Set<Promise<void>>();
    const dropped = this.rt.builtins.droppedIterations;
    const t0 = performance.now();
    let next = offsets.next();

    const startOne = (scheduledAt: number): void => {
      const vu = free.pop() ?? (this.run.allocatedVUs < maxVUs ? this.newVU() : undefined);
      if (!vu) {
        this.rt.registry.add(dropped, 1, this.run.tags);
        return;
      }
      const p = this.iterate(vu, scheduledAt).then(() => {
        running.delete(p);
        free.push(vu);
      });
      running.add(p);
    };

    await new Promise<void>((resolve) => {
      const tick = (): void => {
        if (this.stopping) {
          resolve();
          return;
        }
        const now = performance.now() - t0;
        // Catch up on every start that is due: a late timer must not lose starts.
        while (!next.done && next.value <= now) {
          startOne(t0 + next.value);
          next = offsets.next();
        }
        if (next.done) {
          resolve();
          return;
        }
        setTimeout(tick, Math.max(0, next.value - (performance.now() - t0)));
      };
      tick();
    });
    // The scenario lasts its full duration even when the last start came earlier.
    const left = total - (performance.now() - t0);
    if (left > 0) await this.waitOrStop(left);
    const drain = async (): Promise<void> => {
      while (running.size > 0) await Promise.all([...running]);
    };
    await this.windDown(drain());
  }
}
