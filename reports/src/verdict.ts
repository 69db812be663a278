// Does a candidate run prove the fix against a failing baseline run? (Whether one run passed is the
// contract's judgeRun.) Pure: it takes judgements and returns data; wording lives in i18n.
import { type FailureReason, type RunJudgement, reasonId } from './contract/judge.ts';
import type { SloId } from './slo.ts';

/** One run's judgement, as the contract's judgeRun gives it. */
export type RunAssessment = RunJudgement;
export type { FailureReason };
export { reasonId };

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
