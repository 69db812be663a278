// The state of the one run in progress, reachable from the k6 modules the script imports.
// Iterations of all VUs interleave on one event loop, so "which VU is calling" travels in an
// AsyncLocalStorage context rather than in module state.
import type { AsyncLocalStorage } from 'node:async_hooks';
import { RunnerError } from './errors.ts';
import type { RunnerHealth } from './health.ts';
import type { HttpClient } from './http/client.ts';
import type { CookieJar } from './http/cookies.ts';
import type { BuiltinMetrics } from './metrics/builtin.ts';
import type { MetricRegistry, Tags } from './metrics/registry.ts';
import type { NormalizedOptions, Scenario } from './options.ts';
import type { GroupTree } from './summary/groups.ts';

export type Phase = 'init' | 'setup' | 'run' | 'teardown' | 'done';

export interface VU {
  idInTest: number;
  iterationInInstance: number;
  iterationInScenario: number;
  /** `exec.vu.metrics.tags`: the script may add tags that go on every sample of this VU. */
  tags: Tags;
  metadata: Record<string, string>;
  /** The setup() result, JSON-copied once per VU as k6 gives each VU its own copy. */
  data: unknown;
  /** The VU's cookie jar: emptied before each iteration unless options.noCookiesReset. */
  jar: CookieJar;
  /** Set by http.setResponseCallback() inside an iteration: this VU's only (undefined: the test's). */
  responseCallback?: ResponseCallback | null;
}

export interface ScenarioRun {
  scenario: Scenario;
  startedAt: number; // performance.now() at its start, 0 before
  finishedAt: number;
  totalMs: number | null;
  /** Sample tags every sample of this scenario carries: test tags, scenario tags, scenario name. */
  tags: Tags;
  iterationsStarted: number;
  iterationsCompleted: number;
  iterationsInterrupted: number;
  failures: number;
  activeVUs: number;
  allocatedVUs: number;
  /** __ENV as this scenario's VUs see it: the test env plus the scenario's `env`. */
  env: Record<string, string>;
  progress(): number;
}

export interface IterationContext {
  vu: VU;
  scenario: ScenarioRun;
  iterationInTest: number;
  group: string;
  /** Tags for samples at this point: scenario tags + VU tags + group. */
  tags: Tags;
  interrupted: boolean;
  abort: AbortController | null;
  /** How late an arrival-rate iteration started behind its schedule (0 for closed-model ones). */
  startLagMs: number;
  /** True for arrival-rate iterations: their requests also report the latency from the schedule. */
  scheduled: boolean;
}

export type ResponseCallback = (response: { status: number }) => boolean;

export interface Runtime {
  phase: Phase;
  registry: MetricRegistry;
  builtins: BuiltinMetrics;
  groups: GroupTree;
  options: NormalizedOptions | null;
  env: Record<string, string>;
  testTags: Tags;
  http: HttpClient;
  health: RunnerHealth;
  /** The test-wide callback (http.setResponseCallback in init code); null = no http_req_failed. */
  responseCallback: ResponseCallback | null;
  /** The jar of setup() and teardown(), which run outside any VU. */
  lifecycleJar: CookieJar;
  /** exec.test.fail() was called: the run goes on and ends with exit code 110. */
  markedFailed: string | null;
  testStartedAt: number; // performance.now(), 0 before the scenarios start
  scenarios: Map<string, ScenarioRun>;
  instance: { iterationsCompleted: number; iterationsInterrupted: number; vusActive: number };
  context: AsyncLocalStorage<IterationContext>;
  /** Stops the test with this error (exit code from the error); the first reason wins. */
  abort(error: RunnerError): void;
  reportIterationError(error: unknown): void;
  sharedArrays: Map<string, readonly unknown[]>;
  /** The script's folder: open() reads relative to it. */
  scriptDir: string;
}

let active: Runtime | null = null;

export function setActiveRuntime(runtime: Runtime | null): void {
  active = runtime;
}

export function activeRuntime(): Runtime {
  if (!active) throw new RunnerError('k6 modules can only be used inside a run of the embedded runner', 107);
  return active;
}

export function currentContext(): IterationContext | undefined {
  return active?.context.getStore();
}
