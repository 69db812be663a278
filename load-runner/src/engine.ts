// One test run from script to summary, in k6's order: init, option and threshold validation, setup,
// the scenarios (judging thresholds every 2 s), teardown, the final judgement, summary and exit code.
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  ExitCode,
  ExternalAbortError,
  errorMessage,
  InvalidConfigError,
  LifecycleTimeoutError,
  RunnerError,
  ScriptError,
  ThresholdAbortError,
} from './errors.ts';
import type { IterationFn, ScenarioExecution } from './executors/base.ts';
import { executorOf } from './executors/registry.ts';
import { RunnerHealth } from './health.ts';
import { HttpClient } from './http/client.ts';
import { CookieJar } from './http/cookies.ts';
import { installK6Modules, scriptDirOf, scriptUrl } from './loader.ts';
import { defineBuiltins } from './metrics/builtin.ts';
import { MetricRegistry, type Tags } from './metrics/registry.ts';
import { type NormalizedOptions, normalizeOptions, type Scenario } from './options.ts';
import { JsonPointsOutput } from './outputs/json-points.ts';
import { type ProgressReport, TerminalProgress } from './outputs/progress.ts';
import { LiveMetrics } from './outputs/prometheus.ts';
import { type SampleTap, SampleTapOutput } from './outputs/sample-tap.ts';
import { TimeseriesOutput } from './outputs/timeseries.ts';
import { type Runtime, type ScenarioRun, setActiveRuntime } from './runtime.ts';
import { SetupData } from './setup-data.ts';
import { buildSummary, legacySummaryExport, type SummaryData } from './summary/build.ts';
import { GroupTree } from './summary/groups.ts';
import { textSummary } from './summary/text.ts';
import { buildThresholds, judge, type Threshold } from './thresholds.ts';

export interface RunOptions {
  /** Path to a .ts/.js k6 script. */
  script: string;
  /** __ENV additions (like -e K=V); the process environment is included too, as k6 does. */
  env?: Record<string, string>;
  /** Test-wide tags (like --tag K=V). */
  tags?: Record<string, string>;
  /** Writes the summary JSON here (handleSummary data shape unless summaryExportFormat says 'k6-legacy'). */
  summaryExport?: string;
  /** 'handle-summary' (default; the run folder's summary.json) or 'k6-legacy' (k6's --summary-export file). */
  summaryExportFormat?: 'handle-summary' | 'k6-legacy';
  /** Also writes the summary in the handleSummary data shape here (whatever summaryExportFormat is). */
  summaryJson?: string;
  /** k6 --out json=FILE points (NDJSON). */
  jsonOut?: string;
  /** The run folder's timeseries.ndjson: one line per second per metric (and per scenario). */
  timeseriesOut?: string;
  noThresholds?: boolean;
  /** No terminal progress and no terminal summary. */
  quiet?: boolean;
  /** No end-of-test summary on the terminal (k6's --no-summary). */
  noSummary?: boolean;
  /** No progress lines (k6's --quiet). */
  noProgress?: boolean;
  /** Without it, requests to hosts outside loopback are refused and the run stops (exit 104). */
  allowRemoteTarget?: boolean;
  /** Live Prometheus endpoint on 127.0.0.1 (0 = ephemeral port, undefined = off). */
  metricsPort?: number;
  /** The `testid` label on live metrics. */
  testId?: string;
  /** Every sample also goes here (the CLI's live page). */
  onSample?: SampleTap;
  onProgress?: (p: ProgressReport) => void;
  /** Like SIGINT: stop gracefully, run teardown, still summarise (exit 105 as k6). */
  signal?: AbortSignal;
  /** Where terminal output goes (default process.stdout / process.stderr). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
}

export interface RunResult {
  exitCode: number;
  summary: SummaryData;
  metricsUrl?: string;
  /** The one-line reason when the run did not end normally. */
  error?: string;
}

type ScriptModule = Record<string, unknown>;

function withTimeout<T>(work: () => Promise<T>, ms: number, phase: 'setup' | 'teardown'): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new LifecycleTimeoutError(phase, ms)), ms);
    work().then(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function scenarioRun(scenario: Scenario, testTags: Tags, env: Record<string, string>): ScenarioRun {
  const type = executorOf(scenario);
  const totalMs = type.durationMs(scenario);
  const planned = type.plannedIterations(scenario);
  const run: ScenarioRun = {
    scenario,
    startedAt: 0,
    finishedAt: 0,
    totalMs: type.iterationBound ? null : totalMs,
    tags: { ...testTags, ...scenario.tags, scenario: scenario.name, group: '' },
    env: { ...env, ...scenario.env },
    iterationsStarted: 0,
    iterationsCompleted: 0,
    iterationsInterrupted: 0,
    failures: 0,
    activeVUs: 0,
    allocatedVUs: 0,
    progress() {
      if (run.finishedAt) return 1;
      if (!run.startedAt) return 0;
      if (planned !== null && type.iterationBound) {
        return Math.min(1, (run.iterationsCompleted + run.iterationsInterrupted) / planned);
      }
      return Math.min(1, (performance.now() - run.startedAt) / totalMs);
    },
  };
  return run;
}

let running = false;

export async function run(options: RunOptions): Promise<RunResult> {
  if (running)
    throw new RunnerError('another run is in progress in this process; run tests one at a time', 103);
  running = true;
  try {
    return await runOnce(options);
  } finally {
    running = false;
    setActiveRuntime(null);
  }
}

async function runOnce(options: RunOptions): Promise<RunResult> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const logError = (line: string): void => {
    stderr.write(`${line}\n`);
  };
  installK6Modules();

  const registry = new MetricRegistry();
  const builtins = defineBuiltins(registry);
  const groups = new GroupTree();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, options.env ?? {});

  let abortError: RunnerError | null = null;
  let stopAll: () => void = () => {};
  const errorCounts = new Map<string, number>();
  let rtRef: Runtime | null = null;
  const health = new RunnerHealth(registry, logError, () => rtRef?.testTags ?? {});
  const rt: Runtime = {
    phase: 'init',
    health,
    registry,
    builtins,
    groups,
    options: null,
    env,
    testTags: { ...(options.tags ?? {}) },
    http: new HttpClient({ allowRemoteTarget: options.allowRemoteTarget === true }),
    responseCallback: null,
    lifecycleJar: new CookieJar(),
    markedFailed: null,
    testStartedAt: 0,
    scenarios: new Map(),
    instance: { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0 },
    context: new AsyncLocalStorage(),
    sharedArrays: new Map(),
    scriptDir: scriptDirOf(options.script),
    abort(error) {
      if (abortError) return;
      abortError = error;
      stopAll();
    },
    reportIterationError(error) {
      const message = errorMessage(error);
      const seen = errorCounts.get(message) ?? 0;
      errorCounts.set(message, seen + 1);
      // k6 logs every exception; at thousands per second a terminal drowns, so each message is shown
      // once and counted at the end.
      if (seen === 0 && errorCounts.size <= 20) logError(`ERRO iteration error: ${message}`);
    },
  };
  rtRef = rt;
  setActiveRuntime(rt);

  const emptySummary = (): SummaryData =>
    buildSummary({
      registry,
      thresholds: [],
      rootGroup: groups.root,
      trendStats: rt.options?.summaryTrendStats ?? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'],
      durationMs: 0,
    });
  const fail = (error: RunnerError): RunResult => {
    logError(`error: ${error.message}`);
    return { exitCode: error.exitCode, summary: emptySummary(), error: error.message };
  };

  const onUnhandled = (reason: unknown): void => {
    if (reason instanceof RunnerError) return; // already acted on through rt.abort
    rt.reportIterationError(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  const closers: Array<() => Promise<void>> = [() => rt.http.close()];
  try {
    // ---- init: the script's module code, once (see README: k6 runs it once per VU)
    let mod: ScriptModule;
    try {
      mod = (await import(scriptUrl(options.script))) as ScriptModule;
    } catch (error) {
      if (abortError) return fail(abortError);
      const where = error instanceof SyntaxError ? ' (syntax error)' : '';
      return fail(new ScriptError(`init${where}: ${errorMessage(error)}`));
    }
    if (abortError) return fail(abortError);

    // ---- options, exec functions and thresholds, all before any request (exit 104)
    let opts: NormalizedOptions;
    let thresholds: Threshold[];
    const executions: ScenarioExecution[] = [];
    try {
      opts = normalizeOptions(mod.options, options.tags ?? {});
      rt.options = opts;
      rt.testTags = { ...opts.tags };
      thresholds = options.noThresholds ? [] : buildThresholds(opts.thresholds, registry);
      rt.http.setConnectionLimit(opts.scenarios.reduce((sum, sc) => sum + executorOf(sc).maxVUs(sc), 0));

      for (const sc of opts.scenarios) {
        const fn = mod[sc.exec];
        if (typeof fn !== 'function') {
          throw new InvalidConfigError(
            sc.exec === 'default'
              ? `scenario "${sc.name}": the script exports no default function`
              : `scenario "${sc.name}": exec "${sc.exec}" is not an exported function of the script`,
          );
        }
      }
    } catch (error) {
      return fail(error instanceof RunnerError ? error : new InvalidConfigError(errorMessage(error)));
    }
    const trendStats = opts.summaryTrendStats;

    // ---- outputs
    if (options.jsonOut) {
      const json = new JsonPointsOutput(options.jsonOut, (name) =>
        thresholds.filter((t) => t.metric.name === name).map((t) => t.source),
      );
      registry.addListener(json);
      closers.push(() => json.close());
    }
    let series: TimeseriesOutput | null = null;
    if (options.timeseriesOut) {
      series = new TimeseriesOutput(options.timeseriesOut);
      registry.addListener(series);
      const s = series;
      closers.push(() => s.close());
    }
    let metricsUrl: string | undefined;
    if (options.metricsPort !== undefined) {
      const live = new LiveMetrics(options.testId ?? 'paspor-lab');
      registry.addListener(live);
      metricsUrl = await live.listen(options.metricsPort);
      logError(`live metrics: ${metricsUrl}`);
      closers.push(() => live.close());
    }
    if (options.onSample) registry.addListener(new SampleTapOutput(options.onSample));
    const progress = options.quiet || options.noProgress ? null : new TerminalProgress(stderr);

    const onSignal = (): void => rt.abort(new ExternalAbortError());
    if (options.signal?.aborted) onSignal();
    options.signal?.addEventListener('abort', onSignal, { once: true });
    closers.push(async () => options.signal?.removeEventListener('abort', onSignal));

    // ---- setup. As k6: a throw (exit 107) or exec.test.abort() (exit 108) in setup() stops the test
    // before any scenario, teardown() does not run, and the summary (and handleSummary) still does.
    let setupJson: string | undefined;
    let setupFailed = false;
    if (typeof mod.setup === 'function' && !abortError) {
      rt.phase = 'setup';
      const setup = mod.setup as () => unknown;
      try {
        const data = await withTimeout(async () => setup(), opts.setupTimeoutMs, 'setup');
        setupJson = data === undefined ? undefined : JSON.stringify(data);
      } catch (error) {
        setupFailed = true;
        rt.abort(
          error instanceof RunnerError ? error : new ScriptError(`setup() failed: ${errorMessage(error)}`),
        );
      }
    }

    // ---- scenarios
    const setupData = new SetupData(setupJson);
    rt.phase = 'run';
    let nextVu = 0;
    const vuIds = () => ++nextVu;
    for (const sc of opts.scenarios) {
      const sr = scenarioRun(sc, rt.testTags, env);
      rt.scenarios.set(sc.name, sr);
      const args = { rt, run: sr, fn: mod[sc.exec] as IterationFn, setupData, vuIds };
      executions.push(executorOf(sc).create(args, sc));
    }
    stopAll = () => {
      for (const ex of executions) ex.stopNow();
    };
    if (abortError) stopAll();

    const lastIterations = new Map<string, number>();
    const reports = (): ProgressReport[] =>
      executions.map((ex) => {
        const r = ex.run;
        const done = r.iterationsCompleted;
        const rate = done - (lastIterations.get(r.scenario.name) ?? 0);
        lastIterations.set(r.scenario.name, done);
        return {
          scenario: r.scenario.name,
          elapsedMs: r.startedAt ? (r.finishedAt || performance.now()) - r.startedAt : 0,
          totalMs: r.totalMs,
          vus: r.activeVUs,
          iterations: done,
          ratePerSec: rate,
          failures: r.failures,
        };
      });

    rt.testStartedAt = performance.now();
    const sampleVUs = (): void => {
      let allocated = 0;
      for (const ex of executions) allocated += ex.run.allocatedVUs;
      registry.add(builtins.vus, rt.instance.vusActive, rt.testTags);
      registry.add(builtins.vusMax, allocated, rt.testTags);
    };
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks++;
      sampleVUs();
      series?.flush();
      const now = reports();
      if (options.onProgress) for (const p of now) options.onProgress(p);
      progress?.update(now);
      health.check();
      if (ticks % 2 === 0 && thresholds.length > 0) {
        const breached = judge(thresholds, performance.now() - rt.testStartedAt);
        if (breached.length > 0)
          rt.abort(new ThresholdAbortError(breached.map((t) => `${t.target}: ${t.source}`)));
      }
    }, 1000);
    health.start();
    const started = Promise.all(executions.map((ex) => ex.start()));
    sampleVUs(); // after the executors allocated their initial VUs
    try {
      await started;
    } finally {
      clearInterval(ticker);
      health.stop();
    }
    health.check();
    const durationMs = performance.now() - rt.testStartedAt;
    sampleVUs();
    progress?.update(reports(), true);

    // ---- teardown (after an abort too)
    let teardownError: RunnerError | null = null;
    if (typeof mod.teardown === 'function' && !setupFailed) {
      rt.phase = 'teardown';
      const teardown = mod.teardown as (data: unknown) => unknown;
      try {
        await withTimeout(async () => teardown(setupData.copy()), opts.teardownTimeoutMs, 'teardown');
      } catch (error) {
        teardownError =
          error instanceof RunnerError ? error : new ScriptError(`teardown() failed: ${errorMessage(error)}`);
      }
    }
    rt.phase = 'done';

    // ---- final judgement and summary
    judge(thresholds, durationMs);
    const summary = buildSummary({
      registry,
      thresholds,
      rootGroup: groups.root,
      trendStats,
      durationMs,
      health: health.state(),
    });
    const thresholdsFailed = thresholds.some((t) => !t.ok);

    if (options.summaryExport) {
      const body = options.summaryExportFormat === 'k6-legacy' ? legacySummaryExport(summary) : summary;
      mkdirSync(dirname(resolve(options.summaryExport)), { recursive: true });
      writeFileSync(options.summaryExport, `${JSON.stringify(body, null, 2)}\n`);
    }
    if (options.summaryJson) {
      mkdirSync(dirname(resolve(options.summaryJson)), { recursive: true });
      writeFileSync(options.summaryJson, `${JSON.stringify(summary, null, 2)}\n`);
    }
    let printedByScript = false;
    if (typeof mod.handleSummary === 'function') {
      try {
        const out = (await (mod.handleSummary as (d: SummaryData) => unknown)(summary)) as
          | Record<string, unknown>
          | undefined;
        printedByScript = true;
        for (const [target, content] of Object.entries(out ?? {})) {
          // k6 takes strings and ArrayBuffers (binary files, e.g. a zipped report) as they are.
          const data =
            typeof content === 'string'
              ? content
              : content instanceof ArrayBuffer
                ? Buffer.from(content)
                : ArrayBuffer.isView(content)
                  ? Buffer.from(content.buffer, content.byteOffset, content.byteLength)
                  : JSON.stringify(content);
          if (target === 'stdout') stdout.write(data);
          else if (target === 'stderr') stderr.write(data);
          else {
            const path = resolve(target);
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, data);
          }
        }
      } catch (error) {
        logError(`ERRO handleSummary() failed, printing the default summary: ${errorMessage(error)}`);
      }
    }
    if (!printedByScript && !options.quiet && !options.noSummary) stdout.write(textSummary(summary));

    const repeated = [...errorCounts.values()].reduce((a, b) => a + b, 0);
    if (repeated > 0) logError(`${repeated} iteration error(s), ${errorCounts.size} distinct`);

    const stopped = abortError as RunnerError | null;
    let exitCode: number = ExitCode.ok;
    let error: string | undefined;
    if (stopped) {
      exitCode = stopped.exitCode;
      error = stopped.message;
      logError(`error: ${stopped.message}`);
    } else if (teardownError) {
      exitCode = teardownError.exitCode;
      error = teardownError.message;
      logError(`error: ${teardownError.message}`);
    } else if (thresholdsFailed) {
      exitCode = ExitCode.thresholdsFailed;
      const failed = thresholds.filter((t) => !t.ok).map((t) => `${t.target}: ${t.source}`);
      error = `thresholds failed: ${failed.join(', ')}`;
      logError(`error: some thresholds have failed (${failed.join(', ')})`);
    } else if (rt.markedFailed !== null) {
      exitCode = ExitCode.markedAsFailed;
      error = rt.markedFailed ? `test marked as failed: ${rt.markedFailed}` : 'test marked as failed';
      logError(`error: ${error}`);
    }
    return { exitCode, summary, ...(metricsUrl ? { metricsUrl } : {}), ...(error ? { error } : {}) };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}
