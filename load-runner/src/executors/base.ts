// What every executor shares: VUs, running one iteration with its context, and the end of a scenario
// (no new iterations, running ones get gracefulStop, then are interrupted and not counted).
import { errorMessage, IterationInterruptedError, RunnerError } from '../errors.ts';
import { CookieJar } from '../http/cookies.ts';
import { Series, type Tags } from '../metrics/registry.ts';
import type { Scenario } from '../options.ts';
import type { IterationContext, Runtime, ScenarioRun, VU } from '../runtime.ts';
import type { SetupData } from '../setup-data.ts';
import type { ExecutionArgs } from './registry.ts';

export type IterationFn = (data: unknown) => unknown;

interface InFlight {
  ctx: IterationContext;
  started: number;
  resolve: () => void;
}

export abstract class ScenarioExecution {
  readonly rt: Runtime;
  readonly run: ScenarioRun;
  protected readonly fn: IterationFn;
  private readonly setupData: SetupData;
  private readonly inflight = new Set<InFlight>();
  /** Set when no new iteration may start (end of the scenario, or the test is stopping). */
  stopping = false;
  private stopWaiters: Array<() => void> = [];
  private vuIds: () => number;
  /** The iterations and iteration_duration series per tag set (a scenario's VUs share one). */
  private readonly iterationSeries = new WeakMap<Tags, { count: Series; duration: Series }>();

  constructor(args: ExecutionArgs) {
    this.rt = args.rt;
    this.run = args.run;
    this.fn = args.fn;
    this.setupData = args.setupData;
    this.vuIds = args.vuIds;
  }

  get scenario(): Scenario {
    return this.run.scenario;
  }

  protected abstract execute(): Promise<void>;

  /** Waits for the scenario's startTime, then runs it to its end (or until the test stops). */
  async start(): Promise<void> {
    if (this.scenario.startTimeMs > 0) await this.waitOrStop(this.scenario.startTimeMs);
    if (this.stopping) return;
    this.run.startedAt = performance.now();
    await this.execute();
    this.run.finishedAt = performance.now();
  }

  newVU(): VU {
    this.run.allocatedVUs++;
    return {
      idInTest: this.vuIds(),
      iterationInInstance: 0,
      iterationInScenario: 0,
      tags: {},
      metadata: {},
      data: this.setupData.copy(),
      jar: new CookieJar(),
    };
  }

  private tagsFor(vu: VU): Tags {
    for (const _ in vu.tags) return { ...this.run.tags, ...vu.tags };
    return this.run.tags;
  }

  /**
   * Runs one iteration on `vu`; resolves when it ends or is interrupted. Never rejects. `scheduledAt`
   * (performance.now() time) is when an open-model schedule wanted it to start.
   */
  iterate(vu: VU, scheduledAt?: number): Promise<void> {
    const run = this.run;
    const rt = this.rt;
    const ctx: IterationContext = {
      vu,
      scenario: run,
      iterationInTest: run.iterationsStarted++,
      group: '',
      tags: this.tagsFor(vu),
      interrupted: false,
      abort: null,
      startLagMs: 0,
      scheduled: false,
    };
    if (scheduledAt !== undefined) this.rt.health.iterationStarted(ctx, scheduledAt);
    run.activeVUs++;
    rt.instance.vusActive++;
    // k6 empties the VU's jar before each iteration (options.noCookiesReset keeps it).
    if (!vu.jar.empty && !rt.options?.noCookiesReset) vu.jar = new CookieJar();
    // The bookkeeping lives on the entry and in methods, not in closures made per iteration.
    return new Promise<void>((resolve) => {
      const entry: InFlight = { ctx, started: performance.now(), resolve };
      this.inflight.add(entry);
      let result: unknown;
      try {
        result = rt.context.run(ctx, this.fn, vu.data);
      } catch (error) {
        this.finish(entry, error ?? new Error('iteration threw'));
        return;
      }
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(
          () => this.finish(entry, undefined),
          (error: unknown) =>
            this.finish(entry, error ?? new Error(`iteration rejected: ${errorMessage(error)}`)),
        );
      } else {
        this.finish(entry, undefined);
      }
    });
  }

  /** The iteration's function ended (returned, threw or rejected). */
  private finish(entry: InFlight, error: unknown): void {
    if (!this.inflight.has(entry)) return; // interrupted meanwhile: already settled
    if (error !== undefined && !(error instanceof IterationInterruptedError)) {
      this.run.failures++;
      if (!(error instanceof RunnerError)) this.rt.reportIterationError(error);
    }
    this.settle(entry);
  }

  /** Counts the iteration as completed or interrupted and lets its VU go on. */
  private settle(entry: InFlight): void {
    const ctx = entry.ctx;
    const vu = ctx.vu;
    const run = this.run;
    const rt = this.rt;
    this.inflight.delete(entry);
    run.activeVUs--;
    rt.instance.vusActive--;
    vu.iterationInScenario++;
    vu.iterationInInstance++;
    if (ctx.interrupted) {
      run.iterationsInterrupted++;
      rt.instance.iterationsInterrupted++;
    } else {
      run.iterationsCompleted++;
      rt.instance.iterationsCompleted++;
      let series = this.iterationSeries.get(ctx.tags);
      if (!series) {
        series = {
          count: new Series(rt.builtins.iterations, ctx.tags),
          duration: new Series(rt.builtins.iterationDuration, ctx.tags),
        };
        this.iterationSeries.set(ctx.tags, series);
      }
      rt.registry.record(series.count, 1);
      rt.registry.record(series.duration, performance.now() - entry.started);
    }
    entry.resolve();
  }

  /** Interrupts every running iteration: they are not counted, their later samples are dropped. */
  interruptAll(): void {
    for (const entry of [...this.inflight]) {
      entry.ctx.interrupted = true;
      this.settle(entry);
    }
  }

  interrupt(vu: VU): void {
    for (const entry of this.inflight) {
      if (entry.ctx.vu === vu) {
        entry.ctx.interrupted = true;
        this.settle(entry);
      }
    }
  }

  get running(): number {
    return this.inflight.size;
  }

  /** Stops new iterations now (test abort / SIGINT) and interrupts the running ones. */
  stopNow(): void {
    this.stopping = true;
    this.interruptAll();
    this.wakeStopWaiters();
  }

  private wakeStopWaiters(): void {
    const waiters = this.stopWaiters;
    this.stopWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves after `ms` or as soon as the scenario is told to stop. */
  protected waitOrStop(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.stopWaiters = this.stopWaiters.filter((w) => w !== done);
          resolve();
        },
        Math.max(0, ms),
      );
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.stopWaiters.push(done);
    });
  }

  /** The end of a scenario: no new starts; wait up to gracefulStop for `loops`, then interrupt. */
  protected async windDown(loops: Promise<unknown>): Promise<void> {
    this.stopping = true;
    this.wakeStopWaiters(); // e.g. the maxDuration timer of a scenario that ran out of iterations

    let finished = false;
    const all = loops.then(() => {
      finished = true;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      all,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.scenario.gracefulStopMs);
      }),
    ]);
    clearTimeout(timer);
    if (!finished) this.interruptAll();
    await all;
  }
}
