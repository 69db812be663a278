// The executors by name, as k6 registers them (RegisterExecutorConfigType): each one's file owns its
// options schema and defaults, how long it runs, how many VUs it needs and how it runs. The options
// reader and the engine ask the registry; neither knows an executor by name.
import type { Raw } from '../config-fields.ts';
import { InvalidConfigError } from '../errors.ts';
import type { Runtime, ScenarioRun } from '../runtime.ts';
import type { SetupData } from '../setup-data.ts';
import type { IterationFn, ScenarioExecution } from './base.ts';
import { constantArrivalRate } from './constant-arrival-rate.ts';
import { constantVUs } from './constant-vus.ts';
import { perVUIterations } from './per-vu-iterations.ts';
import { rampingArrivalRate } from './ramping-arrival-rate.ts';
import { rampingVUs } from './ramping-vus.ts';
import { sharedIterations } from './shared-iterations.ts';

/** What an execution is built from (the same for every executor). */
export interface ExecutionArgs {
  rt: Runtime;
  run: ScenarioRun;
  fn: IterationFn;
  /** setup()'s data: each VU gets a copy of its own. */
  setupData: SetupData;
  vuIds: () => number;
}

export interface ExecutorType<C extends { executor: string }> {
  readonly name: C['executor'];
  /** k6's defaults of the executor's own options, spelled as in a script (shown by exec.test.options). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Reads and checks the executor's own options; errors name the field. */
  parse(raw: Raw, where: string): C;
  /** How long the scenario may run, without gracefulStop. */
  durationMs(config: C): number;
  /** The most VUs it uses at once (the connection pool is sized by the sum). */
  maxVUs(config: C): number;
  /** The iterations it will start when known up front (progress), else null. */
  plannedIterations(config: C): number | null;
  /** Ends by its iterations rather than its clock: progress counts iterations. */
  readonly iterationBound: boolean;
  /** Whether it is an open model: starts scheduled by the clock (start lag is measured against it). */
  readonly arrivalRate: boolean;
  create(args: ExecutionArgs, config: C): ScenarioExecution;
}

const EXECUTORS = {
  'constant-vus': constantVUs,
  'ramping-vus': rampingVUs,
  'shared-iterations': sharedIterations,
  'per-vu-iterations': perVUIterations,
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
} as const;

export type ExecutorName = keyof typeof EXECUTORS;
/** The executor-specific part of a scenario: the union of what each executor's parse returns. */
export type ExecutorConfig = ReturnType<(typeof EXECUTORS)[ExecutorName]['parse']>;

export function executorNamed(name: unknown, where: string): ExecutorType<ExecutorConfig> {
  const found = typeof name === 'string' ? (EXECUTORS as Record<string, unknown>)[name] : undefined;
  if (!found) {
    throw new InvalidConfigError(
      `${where}.executor: unknown executor ${JSON.stringify(name)} (use ${Object.keys(EXECUTORS).join(', ')})`,
    );
  }
  // Each entry is typed by its own config; a scenario only ever meets the entry its config came from.
  return found as ExecutorType<ExecutorConfig>;
}

/** The executor of a parsed scenario. */
export function executorOf(config: ExecutorConfig): ExecutorType<ExecutorConfig> {
  return executorNamed(config.executor, 'scenario');
}
