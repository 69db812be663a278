// One verification (docs/DEFECTS.md): baseline and candidate N times each, interleaved A B A B so a
// machine that drifts affects both alike, each run on fresh processes and a fresh database; then the
// statistics decide every claim, verification.json is written and the comparison report rendered.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  judgeRun,
  measuresOf,
  type RunEvidence,
  type RunFolder,
  readRunFolder,
  type SideSetup,
  SLO_CLAIM_IDS,
  VERIFICATION_RUNS_DIR,
  type Verification,
  writeVerification,
} from '@paspor-lab/reports/contract';
import { judgeVerification, methods } from '@paspor-lab/reports/stats';
import type { Progress } from './engines/types.ts';
import { FRESH_DATABASE_METHOD, FRESH_DATABASE_NOTE, preparedPgliteFolder } from './fresh-database.ts';
import type { RunObserver } from './observe/index.ts';
import { gitState, machineInfo, makeRunId } from './run-folder.ts';
import { runScenario } from './run-scenario.ts';
import type { SideOptions, VerifyOptions } from './verify-options.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface VerificationHooks {
  /** A run starts: its side, its 1-based number on that side, and its place in the whole order. */
  onRunStart?: (run: {
    side: 'baseline' | 'candidate';
    label: string;
    index: number;
    of: number;
    order: number;
  }) => void;
  onProgress?: (p: Progress) => void;
  onStep?: (line: string) => void;
  onRunEnd?: (run: {
    side: 'baseline' | 'candidate';
    passed: boolean;
    exitCode: number;
    dir: string;
  }) => void;
  signal?: AbortSignal;
  cwd?: string;
  /** --observe: a fresh observer (its own Prometheus) for each run, which leaves alerts.json in its folder. */
  newObserver?: () => RunObserver;
}

export interface VerificationOutcome {
  dir: string;
  verification: Verification;
  reportFiles: string[];
  reportProblem: string | null;
}

/** Booking requests answered in a run: the attempts of the binomial bound. */
export function bookingAttempts(folder: RunFolder): number {
  const count = (name: string) => folder.summary.metrics[name]?.values.count ?? 0;
  return Math.round(
    count('seats_held') + count('quota_exhausted') + count('shed_responses') + count('request_timeouts'),
  );
}

/** The figures of the measures this scenario's defects are judged by, and whether their thresholds held. */
function measuresRead(folder: RunFolder): NonNullable<RunEvidence['measures']> {
  return measuresOf(folder.meta.scenario).flatMap((name) => {
    const metric = folder.summary.metrics[name];
    if (!metric) return [];
    const v = metric.values;
    const value = v.value ?? v.count ?? v.rate ?? null;
    const ok = Object.values(metric.thresholds ?? {}).every((t) => t.ok);
    return [{ name, value, ok }];
  });
}

export function evidenceOf(
  folder: RunFolder,
  side: 'baseline' | 'candidate',
  order: number,
  root: string,
): RunEvidence {
  const judged = judgeRun({
    scenario: folder.meta.scenario,
    summary: folder.summary,
    invariants: folder.invariants,
    runError: folder.meta.error,
  });
  const slos: RunEvidence['slos'] = {};
  for (const slo of judged.slos) {
    if (!(SLO_CLAIM_IDS as readonly string[]).includes(slo.id)) continue;
    slos[slo.id] = {
      value: slo.value,
      ok: slo.ok,
      op: slo.op,
      target: slo.target,
      unit: slo.unit,
      source: slo.source,
    };
  }
  return {
    id: folder.meta.id,
    dir: relative(root, folder.dir),
    side,
    order,
    startedAt: folder.meta.startedAt ?? '',
    endedAt: folder.meta.endedAt ?? '',
    exitCode: judged.exitCode,
    passed: judged.passed,
    ...(judged.error ? { error: judged.error } : {}),
    attempts: bookingAttempts(folder),
    slos,
    measures: measuresRead(folder),
    invariants: folder.invariants?.invariants.map(({ name, violations }) => ({ name, violations })) ?? null,
  };
}

/** Violations per invariant over a side's runs, and the examples of the first run that showed each. */
export function factsOf(folders: RunFolder[], runs: RunEvidence[]): Verification['facts']['baseline'] {
  const violations: Record<string, number> = {};
  const examples: Record<string, unknown[]> = {};
  for (const folder of folders) {
    for (const inv of folder.invariants?.invariants ?? []) {
      violations[inv.name] = (violations[inv.name] ?? 0) + inv.violations;
      if (inv.violations > 0 && !examples[inv.name]) examples[inv.name] = inv.examples.slice(0, 5);
    }
  }
  return { attempts: runs.reduce((sum, r) => sum + r.attempts, 0), violations, examples };
}

function verificationId(options: VerifyOptions, now: Date): string {
  const short = (s: SideOptions) => s.label.replace(/^defects: /, '').replace(/[^a-z0-9]+/gi, '_');
  return makeRunId(options.scenario, `${short(options.baseline)}-vs-${short(options.candidate)}`, now);
}

/** The comparison report, by the reports package: its renderer reads verification.json and the run folders. */
async function renderComparison(
  dir: string,
  options: VerifyOptions,
): Promise<{ files: string[]; problem: string | null }> {
  try {
    const reports = await import('@paspor-lab/reports');
    const { files } = await reports.renderReports(dir, { lang: options.lang, formats: options.formats });
    return { files, problem: null };
  } catch (error) {
    return { files: [], problem: error instanceof Error ? error.message : String(error) };
  }
}

export async function runVerification(
  options: VerifyOptions,
  hooks: VerificationHooks = {},
): Promise<VerificationOutcome> {
  const startedAt = new Date();
  const id = verificationId(options, startedAt);
  const dir = options.out ?? join(hooks.cwd ?? process.cwd(), 'runs', id);
  mkdirSync(join(dir, VERIFICATION_RUNS_DIR), { recursive: true });
  const step = hooks.onStep ?? (() => {});

  // A fresh database per run: each run opens a copy of a prepared PGlite folder (PostgreSQL: a database
  // per run), as `run` always does (run-scenario.ts). Prepared here, once, so no run's time includes it.
  const onPglite = !process.env.DATABASE_URL && options.baseline.run.target === undefined;
  if (onPglite) {
    step('preparing the database every run starts from (once per set of migrations)');
    await preparedPgliteFolder();
  }

  const order: ('baseline' | 'candidate')[] = [];
  for (let i = 0; i < options.runs; i++) order.push('baseline', 'candidate');
  const folders: Record<'baseline' | 'candidate', RunFolder[]> = { baseline: [], candidate: [] };
  const evidence: Record<'baseline' | 'candidate', RunEvidence[]> = { baseline: [], candidate: [] };
  for (const [position, side] of order.entries()) {
    hooks.signal?.throwIfAborted();
    const setup = options[side];
    const index = folders[side].length + 1;
    hooks.onRunStart?.({ side, label: setup.label, index, of: options.runs, order: position });
    const runId = makeRunId(options.scenario, `${side}-${index}`);
    const outcome = await runScenario(
      { ...setup.run, out: join(dir, VERIFICATION_RUNS_DIR, runId) },
      {
        id: runId,
        onProgress: hooks.onProgress,
        onStep: hooks.onStep,
        signal: hooks.signal,
        renderReport: false,
        meta: { verification: { id, side, order: position } },
        ...(hooks.newObserver ? { observer: hooks.newObserver() } : {}),
      },
    );
    const folder = await readRunFolder(outcome.dir);
    folders[side].push(folder);
    evidence[side].push(evidenceOf(folder, side, position, dir));
    hooks.onRunEnd?.({
      side,
      passed: outcome.verdict.passed,
      exitCode: outcome.verdict.exitCode,
      dir: outcome.dir,
    });
  }

  // Each side's defects as the target itself reported them (run.json), not only as asked for.
  const sideSetup = (side: 'baseline' | 'candidate'): SideSetup => {
    const meta = folders[side][0]?.meta;
    return {
      label: options[side].label,
      profile: meta?.profile ?? options[side].run.profile,
      defects: meta?.defects ?? options[side].run.defects ?? [],
      runs: evidence[side],
    };
  };
  const baseline = sideSetup('baseline');
  const candidate = sideSetup('candidate');
  const judged = judgeVerification(options.scenario, baseline, candidate);
  const engine = options.baseline.run.engine;
  const verification: Verification = {
    schemaVersion: 1,
    kind: 'verification',
    id,
    scenario: options.scenario,
    short: options.short,
    engine,
    lang: options.lang,
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    git: gitState(repoRoot),
    machine: machineInfo(),
    freshDatabase: onPglite
      ? { method: FRESH_DATABASE_METHOD, note: FRESH_DATABASE_NOTE }
      : options.baseline.run.target
        ? { method: 'none', note: 'the runs went to --target: its database was not reset between runs' }
        : {
            method: 'postgresql-database-per-run',
            note: "each run had a database of its own on DATABASE_URL's server, dropped after it",
          },
    runsPerSide: options.runs,
    order,
    baseline,
    candidate,
    ...judged,
    methods: methods(),
    facts: {
      baseline: factsOf(folders.baseline, evidence.baseline),
      candidate: factsOf(folders.candidate, evidence.candidate),
    },
    reports: [],
  };
  // Written before the report, which reads it; rewritten with the report's files once they exist.
  await writeVerification(dir, verification);
  step('rendering the comparison report');
  const report = await renderComparison(dir, options);
  verification.reports = report.files.map((f) => relative(dir, f));
  await writeVerification(dir, verification);
  return { dir, verification, reportFiles: report.files, reportProblem: report.problem };
}
