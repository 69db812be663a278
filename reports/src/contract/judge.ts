// The one judgement of one run (docs/DEFECTS.md): it passes when it could be done, every threshold held,
// every SLO it measured was met and no invariant was violated. The CLI's exit code, run.json's verdict
// and the report's sentence all come from here, so they cannot disagree. Pure.
import {
  computeSlos,
  DEFAULT_SLO_TARGETS,
  listThresholds,
  type SloResult,
  type SloTargets,
  type ThresholdResult,
} from '../slo.ts';
import type { InvariantReport, K6Summary } from './schemas.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 99;
export const EXIT_COULD_NOT_RUN = 1;
export const EXIT_USAGE = 2;

export type ReasonKind = 'run' | 'threshold' | 'invariant' | 'slo';

export interface FailureReason {
  kind: ReasonKind;
  /** Stable key: `<metric> <expression>` for a threshold, the invariant name, or the SLO id. */
  key: string;
  /** Violations of an invariant; absent for the other kinds. */
  count?: number;
  /** The engine's error message, for a run that could not be done. */
  detail?: string;
  /** The summary metric a threshold is set on. */
  metric?: string;
}

export interface JudgeInput {
  scenario: string;
  /** null when the engine wrote none: the run could not be judged. */
  summary: K6Summary | null;
  /** null when the invariants could not be read from the target. */
  invariants: InvariantReport | null;
  /** The engine's (or k6's) exit code: 0 and 99 are verdicts, anything else means the run went wrong. Default 0. */
  engineExit?: number;
  /** Why the run could not be done (engine failure, invariants unreadable), as run.json's verdict.error. */
  runError?: string | null;
  targets?: SloTargets;
  /**
   * Reading an old folder, a missing invariants.json is a note, not a failure (a run against a target
   * without admin access). A live run that could not read them could not be judged. Default true.
   */
  invariantsRequired?: boolean;
}

export interface RunJudgement {
  scenario: string;
  /** 0 passed; 99 a threshold, SLO or invariant failed; anything else: the run could not be done. */
  exitCode: number;
  passed: boolean;
  /** Most serious first: the run, invariants, SLOs, thresholds. */
  reasons: FailureReason[];
  /** Every check this run measured, failed or not, as `<kind>:<key>`: a reason can only be shown gone if measured. */
  measured: string[];
  /** "metric: expression" of each failed threshold. */
  failedThresholds: string[];
  violatedInvariants: { name: string; violations: number }[];
  slos: SloResult[];
  thresholds: ThresholdResult[];
  error?: string;
}

export function reasonId(reason: Pick<FailureReason, 'kind' | 'key'>): string {
  return `${reason.kind}:${reason.key}`;
}

export function thresholdKey(t: ThresholdResult): string {
  return `${t.metric} ${t.expression}`;
}

const ORDER: Record<ReasonKind, number> = { run: 0, invariant: 1, slo: 2, threshold: 3 };

function runError(input: JudgeInput): string | undefined {
  const engineExit = input.engineExit ?? EXIT_OK;
  if (engineExit !== EXIT_OK && engineExit !== EXIT_FAILED) {
    return `the load engine exited with code ${engineExit}${input.runError ? `: ${input.runError}` : ''}`;
  }
  if (input.runError) return input.runError;
  if (input.summary === null) return 'no summary was written';
  if (input.invariants === null && input.invariantsRequired !== false) {
    return 'the invariants could not be read from the target';
  }
  return undefined;
}

export function judgeRun(input: JudgeInput): RunJudgement {
  const targets = input.targets ?? DEFAULT_SLO_TARGETS;
  const summary = input.summary ?? {
    metrics: {},
    root_group: { name: '', path: '', checks: [], groups: [] },
    options: {},
    state: { testRunDurationMs: 0 },
  };
  const thresholds = listThresholds(summary);
  const slos = computeSlos(summary, input.invariants, targets);
  const reasons: FailureReason[] = [];
  const measured: string[] = ['run:error'];
  const error = runError(input);
  if (error) reasons.push({ kind: 'run', key: 'error', detail: error });
  for (const t of thresholds) {
    const reason: FailureReason = { kind: 'threshold', key: thresholdKey(t), metric: t.metric };
    measured.push(reasonId(reason));
    if (!t.ok) reasons.push(reason);
  }
  const invariants = input.invariants?.invariants ?? [];
  for (const inv of invariants) {
    const reason: FailureReason = { kind: 'invariant', key: inv.name, count: inv.violations };
    measured.push(reasonId(reason));
    if (inv.violations > 0) reasons.push(reason);
  }
  for (const slo of slos) {
    // The invariants SLO repeats the invariants above; listing it again would double-count one cause.
    if (slo.id === 'invariants' || slo.ok === null) continue;
    const reason: FailureReason = { kind: 'slo', key: slo.id };
    measured.push(reasonId(reason));
    if (!slo.ok) reasons.push(reason);
  }
  // invariants.json may say ok:false with no itemised violation (e.g. the check itself failed).
  if (input.invariants && !input.invariants.ok && !reasons.some((r) => r.kind === 'invariant')) {
    reasons.push({ kind: 'invariant', key: 'invariants', count: 0 });
  }
  // A failed threshold (99 from the engine) that is not in the summary still fails the run.
  if (input.engineExit === EXIT_FAILED && reasons.length === 0) {
    reasons.push({ kind: 'threshold', key: 'the engine reported a failed threshold' });
  }
  // Broken correctness first, then broken promises to users, then the raw thresholds behind them: a
  // verdict sentence names the first few, and a manager should read the most serious ones.
  reasons.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const engineExit = input.engineExit ?? EXIT_OK;
  const exitCode = error
    ? engineExit !== EXIT_OK && engineExit !== EXIT_FAILED
      ? engineExit
      : EXIT_COULD_NOT_RUN
    : reasons.length > 0
      ? EXIT_FAILED
      : EXIT_OK;
  return {
    scenario: input.scenario,
    exitCode,
    passed: reasons.length === 0,
    reasons,
    measured,
    failedThresholds: thresholds.filter((t) => !t.ok).map((t) => `${t.metric}: ${t.expression}`),
    violatedInvariants: invariants
      .filter((i) => i.violations > 0)
      .map(({ name, violations }) => ({ name, violations })),
    slos,
    thresholds,
    ...(error ? { error } : {}),
  };
}
