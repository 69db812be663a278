// The CLI's view of one run's verdict: the judgement itself is the contract's `judgeRun`
// (reports/src/contract/judge.ts); this keeps the engine-facing call and the one terminal line.
import {
  type InvariantReport,
  judgeRun,
  parseInvariants,
  parseSummary,
  type RunJudgement,
} from '@paspor-lab/reports/contract';

export { EXIT_COULD_NOT_RUN, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '@paspor-lab/reports/contract';

export interface InvariantLike {
  name: string;
  violations: number;
}

export type Verdict = Pick<
  RunJudgement,
  'exitCode' | 'passed' | 'failedThresholds' | 'violatedInvariants' | 'error'
> & {
  /** The full judgement (reasons, SLOs) for callers that show more than one line. */
  judgement: RunJudgement;
};

/**
 * Judges a finished run from what the engine returned. `engineExit` is the runner's (or k6's) exit
 * code: 0 and 99 are verdicts, anything else (104 bad threshold, 107 script error, 108 aborted by the
 * script...) means the run itself went wrong, and that code is kept so it can be looked up in k6's docs.
 */
export function judge(
  engineExit: number,
  summary: unknown,
  invariants: InvariantLike[] | { ok: boolean; invariants: InvariantLike[] } | null,
  engineError?: string,
  scenario = 'unknown',
): Verdict {
  const report: InvariantReport | null =
    invariants === null ? null : parseInvariants(Array.isArray(invariants) ? { invariants } : invariants);
  const judgement = judgeRun({
    scenario,
    summary: summary === null || summary === undefined ? null : parseSummary(summary),
    invariants: report,
    engineExit,
    runError: engineError ?? null,
  });
  const { exitCode, passed, failedThresholds, violatedInvariants, error } = judgement;
  return { exitCode, passed, failedThresholds, violatedInvariants, ...(error ? { error } : {}), judgement };
}

/** One line for the terminal: "PASS" or "FAIL: invariants a (3), b (1); thresholds x: p(95)<500". */
export function describeVerdict(verdict: Verdict): string {
  if (verdict.error) return `ERROR: ${verdict.error}`;
  if (verdict.passed) return 'PASS: every threshold and invariant holds';
  const parts: string[] = [];
  if (verdict.violatedInvariants.length > 0) {
    parts.push(
      `invariants ${verdict.violatedInvariants.map((i) => `${i.name} (${i.violations})`).join(', ')}`,
    );
  }
  if (verdict.failedThresholds.length > 0) parts.push(`thresholds ${verdict.failedThresholds.join('; ')}`);
  const slos = verdict.judgement.reasons.filter((r) => r.kind === 'slo').map((r) => r.key);
  if (slos.length > 0 && verdict.failedThresholds.length === 0) parts.push(`SLOs ${slos.join(', ')}`);
  return `FAIL: ${parts.join('; ') || 'the engine reported a failed threshold'}`;
}
