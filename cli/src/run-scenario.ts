// One run, end to end (docs/ARCHITECTURE.md): start the target unless one is given, sample its metrics,
// run the scenario on the chosen engine, read the invariants, judge, write the run folder.
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_FILES, writeInvariantsJson, writeRunJson } from '@paspor-lab/reports/contract';
import { type Stack, startStack } from '@paspor-lab/target-api';
import { createScratchDatabase, type ScratchDatabase } from '@paspor-lab/target-api/scratch-database';
import type { LiveFeed } from './dashboard/index.ts';
import { runEmbedded } from './engines/embedded.ts';
import { runK6 } from './engines/k6.ts';
import type { EngineResult, Progress } from './engines/types.ts';
import { createHarness } from './harness/index.ts';
import { findKnee, type Knee } from './knee.ts';
import type { RunObserver } from './observe/index.ts';
import {
  createRunDir,
  gitState,
  machineInfo,
  makeRunId,
  type RunMetadata,
  toolVersions,
} from './run-folder.ts';
import type { RunOptions } from './run-options.ts';
import { breakpointRamp, SCENARIOS } from './scenarios.ts';
import { startServerSampler } from './server-samples.ts';
import { EXIT_OK, type InvariantLike, judge, type Verdict } from './verdict.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RunHooks {
  onProgress?: (p: Progress) => void;
  /** One-line notes while the run is set up and wound down ("starting the target..."). */
  onStep?: (line: string) => void;
  signal?: AbortSignal;
  /** Where the run folder goes when --out is absent (default: the current directory's runs/). */
  cwd?: string;
  /** More fields for run.json (a verification's side and order). */
  meta?: Pick<RunMetadata, 'verification'>;
  /** Render report.* into the run folder (default true; a verification renders one comparison instead). */
  renderReport?: boolean;
  /** The run id (default: made from the scenario, profile and time). */
  id?: string;
  /** --observe: a Prometheus watching the run (cli/src/observe/). */
  observer?: RunObserver;
  /** --dashboard: the live page (cli/src/dashboard/), fed the run's samples and the target's scrapes. */
  dashboard?: LiveFeed;
}

export interface RunOutcome {
  id: string;
  dir: string;
  verdict: Verdict;
  meta: RunMetadata;
  invariants: InvariantLike[] | null;
}

class CouldNotRunError extends Error {
  readonly code = 'ERR_COULD_NOT_RUN';
  constructor(message: string) {
    super(message);
    this.name = 'CouldNotRunError';
  }
}

interface InvariantsAnswer {
  ok: boolean;
  invariants: { name: string; violations: number; examples?: unknown[] }[];
}

/**
 * An admin read. The timeout is generous on purpose: after a collapse (legacy past its knee) the API
 * first drains the backlog of requests the load left behind, and only then answers.
 */
async function adminGet<T>(url: string, token: string, timeoutMs = 90_000): Promise<T> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new CouldNotRunError(`GET ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

export async function runScenario(options: RunOptions, hooks: RunHooks = {}): Promise<RunOutcome> {
  const spec = SCENARIOS[options.scenario];
  const id = hooks.id ?? makeRunId(options.scenario, options.profile);
  const dir = createRunDir(id, options.out, hooks.cwd);
  const step = hooks.onStep ?? (() => {});
  const startedAt = new Date();

  let stack: Stack | undefined;
  let database: ScratchDatabase | undefined;
  let target = options.target;
  // On PGlite every run opens a copy of a data folder migrated once: the API is ready ~3.5 s sooner
  // than on an in-memory PGlite migrated at start (quota-hoarding --short, idle 2-core machine: target
  // started in 2.5 s against 6.1 s), and a scenario that restarts the API keeps its data through it.
  const harness = await createHarness({
    runDir: dir,
    pgliteCopy: !process.env.DATABASE_URL && !options.target,
  });
  if (!target) {
    step(`starting the billing simulator and the API (${options.profile})`);
    const stackEnv = spec.stackEnv(options.short);
    const { CLOCK_SPEED, ...env } = stackEnv;
    try {
      // On PostgreSQL each run gets a database of its own on that server, dropped after the run: the
      // invariants read every booking in the database, and the scenarios release the same dates, so
      // a second run in a shared database found its slots sold by the first and judged its leftovers.
      const serverUrl = process.env.DATABASE_URL;
      if (serverUrl) {
        database = await createScratchDatabase(serverUrl, `paspor_run_${options.scenario}`).catch((error) => {
          throw new Error(
            `no database could be created for this run on DATABASE_URL's server (${(error as Error).message}); give its user CREATEDB, or unset DATABASE_URL to run on the embedded PGlite`,
          );
        });
      }
      stack = await startStack({
        databaseUrl: database?.url,
        profile: options.profile,
        defects: options.defects,
        port: 0,
        billingPort: 0,
        // The user's LOG_LEVEL, else the services' own default (info): target.log has the access lines.
        env: { LOG_LEVEL: process.env.LOG_LEVEL || 'info', ...env, ...harness.stackEnv },
        clockSpeed: CLOCK_SPEED ? Number(CLOCK_SPEED) : 1,
        output: { file: join(dir, 'target.log') },
      });
    } catch (error) {
      await database?.drop().catch(() => {});
      await harness.close();
      throw new CouldNotRunError(
        `the target did not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    target = { apiUrl: stack.apiUrl, billingUrl: stack.billingUrl, adminToken: stack.adminToken };
  }

  const serverOut = createWriteStream(join(dir, RUN_FILES.server));
  const sampler = startServerSampler(`${target.apiUrl}/metrics`, (line) => {
    serverOut.write(`${line}\n`);
    hooks.dashboard?.server(line);
  });
  let engine: EngineResult | undefined;
  let invariants: InvariantsAnswer | null = null;
  let config: { profile?: string; defects?: string[] } = {};
  let engineError: string | undefined;
  try {
    config = await adminGet<typeof config>(`${target.apiUrl}/admin/config`, target.adminToken, 10_000).catch(
      () => ({}),
    );
    const observed = await hooks.observer?.start({ runDir: dir, testId: id, ...target });
    hooks.dashboard?.begin({ prometheusUrl: observed?.prometheusUrl ?? null });
    const controlEnv = await harness.attach(stack, target);
    step(`running ${options.scenario}${options.short ? ' (short)' : ''} on the ${options.engine} engine`);
    const request = {
      script: spec.script,
      env: {
        API_URL: target.apiUrl,
        BILLING_URL: target.billingUrl,
        ADMIN_TOKEN: target.adminToken,
        ...(options.short ? { SHORT: '1' } : {}),
        ...spec.scriptEnv(options.short),
        ...controlEnv,
      },
      runDir: dir,
      testId: id,
      allowRemoteTarget: options.allowRemoteTarget,
      metricsPort: observed?.runnerMetricsPort,
      onProgress: hooks.onProgress,
      onSample: hooks.dashboard?.sample,
      signal: hooks.signal,
    };
    try {
      engine = options.engine === 'k6' ? await runK6(request) : await runEmbedded(request);
    } catch (error) {
      engineError = error instanceof Error ? error.message : String(error);
    }
    hooks.dashboard?.end();
    try {
      invariants = await adminGet<InvariantsAnswer>(`${target.apiUrl}/admin/invariants`, target.adminToken);
      writeInvariantsJson(dir, invariants);
    } catch (error) {
      engineError ??= `the invariants could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
    await harness.finish(target);
  } finally {
    await hooks.observer?.stop();
    await sampler.stop();
    await new Promise((resolve) => serverOut.end(resolve));
    if (stack) {
      step('stopping the target');
      await stack.stop();
    }
    await database?.drop();
    await harness.close();
  }

  // An engine that threw left no exit code: the run could not be done, for engineError's reason.
  const verdict = judge(
    engine?.exitCode ?? EXIT_OK,
    engine?.summary ?? null,
    invariants,
    // The engine's own error names a run that went wrong; with 0 or 99 it only repeats the verdict.
    engineError ?? (engine && engine.exitCode !== 0 && engine.exitCode !== 99 ? engine.error : undefined),
    options.scenario,
  );

  let knee: Knee | null | undefined;
  const timeseriesPath = join(dir, RUN_FILES.timeseries);
  if (options.scenario === 'breakpoint' && existsSync(timeseriesPath)) {
    knee = findKnee(readFileSync(timeseriesPath, 'utf8'), breakpointRamp(options.short));
  }

  const meta: RunMetadata = {
    id,
    scenario: options.scenario,
    short: options.short,
    profile: config.profile ?? options.profile,
    defects: config.defects ?? options.defects ?? [],
    engine: options.engine,
    target: { url: target.apiUrl, billingUrl: target.billingUrl, startedByRun: stack !== undefined },
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    versions: toolVersions(repoRoot, { engine: engine?.version ?? options.engine }),
    git: gitState(repoRoot),
    machine: machineInfo(),
    verdict: {
      exitCode: verdict.exitCode,
      passed: verdict.passed,
      failedThresholds: verdict.failedThresholds,
      violatedInvariants: verdict.violatedInvariants.map(({ name, violations }) => ({ name, violations })),
      ...(verdict.error ? { error: verdict.error } : {}),
    },
  };
  if (knee !== undefined) meta.knee = knee;
  if (hooks.meta?.verification) meta.verification = hooks.meta.verification;
  writeRunJson(dir, meta);
  if (hooks.renderReport !== false) await renderReportsIfAvailable(dir, step);
  return { id, dir, verdict, meta, invariants: invariants?.invariants ?? null };
}

/** The report renderer turns the folder into report.html/md/json; a run whose report fails still counts. */
async function renderReportsIfAvailable(dir: string, step: (line: string) => void): Promise<void> {
  try {
    const { renderReports } = await import('@paspor-lab/reports');
    await renderReports(dir, { formats: ['html', 'md', 'json'] });
  } catch (error) {
    step(`the report could not be rendered: ${error instanceof Error ? error.message : String(error)}`);
  }
}
