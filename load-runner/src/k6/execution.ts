// `k6/execution`: what the calling iteration knows about its scenario, VU, this instance and the test.
import { TestAbortedError } from '../errors.ts';
import { consolidatedOptions } from '../options.ts';
import { activeRuntime, type IterationContext } from '../runtime.ts';

function ctx(): IterationContext | undefined {
  return activeRuntime().context.getStore();
}

function requireCtx(field: string): IterationContext {
  const c = ctx();
  if (!c) throw new Error(`exec.${field} is only available inside an iteration`);
  return c;
}

const scenario = {
  get name(): string {
    return requireCtx('scenario.name').scenario.scenario.name;
  },
  get executor(): string {
    return requireCtx('scenario.executor').scenario.scenario.executor;
  },
  get startTime(): number {
    return Math.round(performance.timeOrigin + requireCtx('scenario.startTime').scenario.startedAt);
  },
  get progress(): number {
    return requireCtx('scenario.progress').scenario.progress();
  },
  get iterationInTest(): number {
    return requireCtx('scenario.iterationInTest').iterationInTest;
  },
  get iterationInInstance(): number {
    return requireCtx('scenario.iterationInInstance').iterationInTest;
  },
};

const vu = {
  get idInTest(): number {
    return ctx()?.vu.idInTest ?? 0;
  },
  get idInInstance(): number {
    return ctx()?.vu.idInTest ?? 0;
  },
  get iterationInScenario(): number {
    return requireCtx('vu.iterationInScenario').vu.iterationInScenario;
  },
  get iterationInInstance(): number {
    return requireCtx('vu.iterationInInstance').vu.iterationInInstance;
  },
  get tags(): Record<string, string> {
    return requireCtx('vu.tags').vu.tags;
  },
  metrics: {
    get tags(): Record<string, string> {
      return requireCtx('vu.metrics.tags').vu.tags;
    },
    get metadata(): Record<string, string> {
      return requireCtx('vu.metrics.metadata').vu.metadata;
    },
  },
};

const instance = {
  get iterationsCompleted(): number {
    return activeRuntime().instance.iterationsCompleted;
  },
  get iterationsInterrupted(): number {
    return activeRuntime().instance.iterationsInterrupted;
  },
  get vusActive(): number {
    return activeRuntime().instance.vusActive;
  },
  get vusInitialized(): number {
    let total = 0;
    for (const s of activeRuntime().scenarios.values()) total += s.allocatedVUs;
    return total;
  },
  get currentTestRunDuration(): number {
    const rt = activeRuntime();
    return rt.testStartedAt ? performance.now() - rt.testStartedAt : 0;
  },
};

const test = {
  abort(reason?: string): never {
    const error = new TestAbortedError(reason ?? '');
    activeRuntime().abort(error);
    throw error;
  },
  /** k6 v0.52+: the test goes on to its end and then exits with code 110. */
  fail(reason?: string): void {
    const rt = activeRuntime();
    rt.markedFailed ??= reason ?? '';
    process.stderr.write(`ERRO test marked as failed${reason ? `: ${reason}` : ''}\n`);
  },
  /** The consolidated options (defaults filled in, shortcuts turned into scenarios), read-only as in k6. */
  get options(): Readonly<Record<string, unknown>> {
    const opts = activeRuntime().options;
    return opts ? consolidatedOptions(opts) : {};
  },
};

export { instance, scenario, test, vu };
export default { scenario, vu, instance, test };
