// The verdict of one run: every threshold and every invariant must hold. Pure, so it is tested alone.

export interface SummaryLike {
  metrics: Record<string, { thresholds?: Record<string, { ok: boolean }> }>;
}

export interface InvariantLike {
  name: string;
  violations: number;
}

export interface Verdict {
  /** 0 all held; 99 a threshold or an invariant failed; anything else: the run could not be done. */
  exitCode: number;
  passed: boolean;
  /** "metric{tags}: expression" of each failed threshold. */
  failedThresholds: string[];
  /** Invariants with at least one violation, with their counts. */
  violatedInvariants: InvariantLike[];
  /** Set when the run could not be judged (the engine failed, the invariants could not be read). */
  error?: string;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 99;
export const EXIT_COULD_NOT_RUN = 1;
export const EXIT_USAGE = 2;

export function failedThresholds(summary: SummaryLike): string[] {
  const failed: string[] = [];
  for (const [metric, data] of Object.entries(summary.metrics)) {
    for (const [expression, result] of Object.entries(data.thresholds ?? {})) {
      if (!result.ok) failed.push(`${metric}: ${expression}`);
    }
  }
  return failed.sort();
}

/**
 * Judges a finished run. `engineExit` is the runner's (or k6's) exit code: 0 and 99 are verdicts,
 * anything else (104 bad threshold, 107 script error, 108 aborted by the script...) means the run
 * itself went wrong, and that code is kept so it can be looked up in k6's documentation.
 */
export function judge(
  engineExit: number,
  summary: SummaryLike | null,
  invariants: InvariantLike[] | null,
  engineError?: string,
): Verdict {
  const thresholds = summary ? failedThresholds(summary) : [];
  const violated = (invariants ?? []).filter((i) => i.violations > 0);
  if (engineExit !== 0 && engineExit !== 99) {
    return {
      exitCode: engineExit,
      passed: false,
      failedThresholds: thresholds,
      violatedInvariants: violated,
      error: `the load engine exited with code ${engineExit}${engineError ? `: ${engineError}` : ''}`,
    };
  }
  if (summary === null) {
    return {
      exitCode: EXIT_COULD_NOT_RUN,
      passed: false,
      failedThresholds: [],
      violatedInvariants: violated,
      error: 'no summary was written',
    };
  }
  if (invariants === null) {
    return {
      exitCode: EXIT_COULD_NOT_RUN,
      passed: false,
      failedThresholds: thresholds,
      violatedInvariants: [],
      error: 'the invariants could not be read from the target',
    };
  }
  const failed = engineExit === 99 || thresholds.length > 0 || violated.length > 0;
  return {
    exitCode: failed ? EXIT_FAILED : EXIT_OK,
    passed: !failed,
    failedThresholds: thresholds,
    violatedInvariants: violated,
  };
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
  return `FAIL: ${parts.join('; ') || 'the engine reported a failed threshold'}`;
}
