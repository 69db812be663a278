// The verdict: did one run pass, and does a candidate prove the fix against a failing baseline?
// Pure: it takes what the run folder says and returns data; wording lives in i18n.
import type { InvariantReport } from './run-folder.ts';
import type { SloId, SloResult, ThresholdResult } from './slo.ts';

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

export interface RunAssessment {
  scenario: string;
  passed: boolean;
  reasons: FailureReason[];
  /** Every check this run measured, failed or not, as `<kind>:<key>`: a reason can only be shown gone if measured. */
  measured: string[];
}

export function reasonId(reason: Pick<FailureReason, 'kind' | 'key'>): string {
  return `${reason.kind}:${reason.key}`;
}

export function thresholdKey(t: ThresholdResult): string {
  return `${t.metric} ${t.expression}`;
}

export function assessRun(input: {
  scenario: string;
  thresholds: ThresholdResult[];
  invariants: InvariantReport | null;
  slos: SloResult[];
  /** The engine's error when the run could not be done (run.json verdict.error). */
  runError?: string | null;
}): RunAssessment {
  const reasons: FailureReason[] = [];
  const measured: string[] = ['run:error'];
  if (input.runError) reasons.push({ kind: 'run', key: 'error', detail: input.runError });
  for (const t of input.thresholds) {
    const reason: FailureReason = { kind: 'threshold', key: thresholdKey(t), metric: t.metric };
    measured.push(reasonId(reason));
    if (!t.ok) reasons.push(reason);
  }
  for (const inv of input.invariants?.invariants ?? []) {
    const reason: FailureReason = { kind: 'invariant', key: inv.name, count: inv.violations };
    measured.push(reasonId(reason));
    if (inv.violations > 0) reasons.push(reason);
  }
  for (const slo of input.slos) {
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
  // Broken correctness first, then broken promises to users, then the raw thresholds behind them: the
  // verdict sentence names the first few, and a manager should read the most serious ones.
  const order: Record<ReasonKind, number> = { run: 0, invariant: 1, slo: 2, threshold: 3 };
  reasons.sort((a, b) => order[a.kind] - order[b.kind]);
  return { scenario: input.scenario, passed: reasons.length === 0, reasons, measured };
}

export type NotProvenCause =
  | 'different-scenario'
  | 'baseline-incomplete'
  | 'baseline-passed'
  | 'candidate-failed'
  | 'not-measured';

export type Comparison =
  | { proven: true; resolved: FailureReason[] }
  | {
      proven: false;
      cause: NotProvenCause;
      /** Baseline reasons the candidate shows gone (measured and holding). */
      resolved: FailureReason[];
      /** Reasons still failing in the candidate (its own, for `candidate-failed`). */
      remaining: FailureReason[];
      /** Baseline reasons the candidate did not measure at all. */
      unmeasured: FailureReason[];
    };

/**
 * The fix is proven when the baseline failed for a reason and the candidate, on the same scenario, passes
 * with each of those reasons measured and holding. A candidate that passes only because it did not
 * measure the baseline's failure (an invariant not checked, a threshold dropped) proves nothing.
 */
export function compareAssessments(baseline: RunAssessment, candidate: RunAssessment): Comparison {
  const measured = new Set(candidate.measured);
  const failing = new Set(candidate.reasons.map(reasonId));
  const resolved = baseline.reasons.filter((r) => measured.has(reasonId(r)) && !failing.has(reasonId(r)));
  const unmeasured = baseline.reasons.filter((r) => !measured.has(reasonId(r)));
  if (baseline.scenario !== candidate.scenario) {
    return { proven: false, cause: 'different-scenario', resolved, remaining: candidate.reasons, unmeasured };
  }
  // A baseline that crashed shows a broken harness or machine, not a defect the fix could remove.
  if (baseline.reasons.some((r) => r.kind === 'run')) {
    return {
      proven: false,
      cause: 'baseline-incomplete',
      resolved: [],
      remaining: candidate.reasons,
      unmeasured: [],
    };
  }
  if (baseline.passed) {
    return {
      proven: false,
      cause: 'baseline-passed',
      resolved: [],
      remaining: candidate.reasons,
      unmeasured: [],
    };
  }
  if (!candidate.passed) {
    return { proven: false, cause: 'candidate-failed', resolved, remaining: candidate.reasons, unmeasured };
  }
  if (unmeasured.length > 0) {
    return { proven: false, cause: 'not-measured', resolved, remaining: [], unmeasured };
  }
  return { proven: true, resolved };
}

export type VerdictStatus = 'pass' | 'fail' | 'proven' | 'not-proven';

export function verdictStatus(candidate: RunAssessment, comparison: Comparison | null): VerdictStatus {
  if (comparison) return comparison.proven ? 'proven' : 'not-proven';
  return candidate.passed ? 'pass' : 'fail';
}

export function isSloId(key: string): key is SloId {
  return ['availability', 'latencyP95', 'latencyP99', 'paymentCode', 'invariants'].includes(key);
}
