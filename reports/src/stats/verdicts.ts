// The decision rule of a verification (docs/DEFECTS.md): per SLO and per defect one of verified,
// regressed, no change, inconclusive, with the reason in one sentence. The unit of evidence is the run.
// Calibrated so that an A/A verification (the same setup on both sides) does not say verified or
// regressed: a fix is verified only when the difference is significant AND the baseline fails where
// the candidate holds; a regression only when significant AND the candidate fails where the baseline held.
import { evidenceLabel, revealedBy, scenarioFor } from '../contract/defect-evidence.ts';
import type {
  ClaimVerdict,
  DefectClaim,
  RunEvidence,
  SideSetup,
  SloClaim,
  SloClaimId,
  SloFigure,
  Verification,
} from '../contract/schemas.ts';
import { SLO_CLAIM_IDS } from '../contract/schemas.ts';
import { clopperPearsonUpper, fisherExact } from './binomial.ts';
import { bootstrapMedianDifference, median, permutationTest } from './ranks.ts';

export const ALPHA = 0.05;
export const CONFIDENCE = 0.95;
export const BOOTSTRAP_RESAMPLES = 10_000;
/** With 3 runs a side the most extreme split has p = 1/20 = 0.05: fewer can never reach significance. */
export const MIN_RUNS_PER_SIDE = 3;

/** Every reasonKey a claim can carry; the report translates them with reasonParams. */
export const REASON_KEYS = [
  'slo.notMeasured',
  'slo.tooFewRuns',
  'slo.verified',
  'slo.regressed',
  'slo.bothMeet',
  'slo.bothFail',
  'slo.notSignificant',
  'defect.notMeasured',
  'defect.tooFewRuns',
  'defect.verified',
  'defect.regressed',
  'defect.neverReproduced',
  'defect.stillReproduced',
  'defect.notSignificant',
  'defect.candidateOnly',
  'defect.bySlo',
] as const;
export type ReasonKey = (typeof REASON_KEYS)[number];

const SLO_NAMES: Record<SloClaimId, string> = {
  availability: 'availability',
  latencyP95: 'p95 booking latency',
  latencyP99: 'p99 booking latency',
  paymentCode: 'payment-code share',
};

function meets(op: '>=' | '<=', value: number, target: number): boolean {
  return op === '>=' ? value >= target : value <= target;
}

export function formatFigure(unit: SloFigure['unit'], value: number): string {
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(2)}%`;
    case 'ms':
      return `${Math.round(value)} ms`;
    case 's':
      return `${value.toFixed(1)} s`;
    case 'count':
      return String(Math.round(value));
  }
}

const fmtP = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

/** "fewer than 154 in 10,000": rounded up, so the sentence never claims more than the bound. */
export function per10000(rate: number): string {
  const x = rate * 10_000;
  const shown = x >= 100 ? Math.ceil(x) : x >= 10 ? Math.ceil(x * 10) / 10 : Math.ceil(x * 100) / 100;
  return shown.toLocaleString('en-US');
}

function sloValues(runs: readonly RunEvidence[], id: SloClaimId): (number | null)[] {
  return runs.map((r) => r.slos[id]?.value ?? null);
}

export function judgeSlo(
  id: SloClaimId,
  baseline: readonly RunEvidence[],
  candidate: readonly RunEvidence[],
): SloClaim {
  const figure = [...baseline, ...candidate].map((r) => r.slos[id]).find((f) => f !== undefined);
  const op = figure?.op ?? '>=';
  const target = figure?.target ?? 0;
  const unit = figure?.unit ?? 'ratio';
  const bRaw = sloValues(baseline, id);
  const cRaw = sloValues(candidate, id);
  const b = bRaw.filter((v): v is number => v !== null);
  const c = cRaw.filter((v): v is number => v !== null);
  const name = SLO_NAMES[id];
  const met = (values: number[]) => ({
    k: values.filter((v) => meets(op, v, target)).length,
    n: values.length,
  });
  const base = {
    kind: 'slo' as const,
    id,
    op,
    target,
    unit,
  };
  const comparison: SloClaim['comparison'] = {
    baseline: bRaw,
    candidate: cRaw,
    baselineMedian: b.length > 0 ? median(b) : null,
    candidateMedian: c.length > 0 ? median(c) : null,
    baselineMet: met(b),
    candidateMet: met(c),
    difference: null,
    test: null,
  };
  const claim = (
    verdict: ClaimVerdict,
    reasonKey: ReasonKey,
    reason: string,
    params: SloClaim['reasonParams'],
  ): SloClaim => ({
    ...base,
    verdict,
    reason,
    reasonKey,
    reasonParams: { slo: id, ...params },
    comparison,
  });
  if (b.length === 0 || c.length === 0) {
    return claim(
      'inconclusive',
      'slo.notMeasured',
      `The scenario did not measure the ${name} on ${b.length === 0 ? 'the baseline' : 'the candidate'}.`,
      {},
    );
  }
  const test = permutationTest(c, b);
  // "Better" is higher for an objective of at least (availability), lower for one of at most (latency).
  const pBetter = op === '>=' ? test.pHigher : test.pLower;
  const pWorse = op === '>=' ? test.pLower : test.pHigher;
  comparison.test = { method: test.method, pBetter, pWorse, pMin: test.pMin };
  const diff = bootstrapMedianDifference(c, b, { resamples: BOOTSTRAP_RESAMPLES, confidence: CONFIDENCE });
  comparison.difference = { ...diff, method: 'bootstrap-percentile' };
  const bMed = comparison.baselineMedian ?? 0;
  const cMed = comparison.candidateMedian ?? 0;
  const params = {
    baselineMedian: formatFigure(unit, bMed),
    candidateMedian: formatFigure(unit, cMed),
    target: `${op === '>=' ? '≥' : '≤'} ${formatFigure(unit, target)}`,
    low: formatFigure(unit, diff.low),
    high: formatFigure(unit, diff.high),
    p: fmtP(Math.min(pBetter, pWorse)),
    baselineRuns: b.length,
    candidateRuns: c.length,
  };
  const figures = `median ${params.baselineMedian} on the baseline, ${params.candidateMedian} on the candidate (objective ${params.target}; difference 95% CI ${params.low} to ${params.high})`;
  if (test.pMin > ALPHA) {
    return claim(
      'inconclusive',
      'slo.tooFewRuns',
      `Too little data: ${b.length} and ${c.length} runs cannot show a difference at 95% (at least ${MIN_RUNS_PER_SIDE} a side); ${figures}.`,
      params,
    );
  }
  const bMeets = meets(op, bMed, target);
  const cMeets = meets(op, cMed, target);
  if (pBetter <= ALPHA && !bMeets && cMeets) {
    return claim(
      'verified',
      'slo.verified',
      `The candidate meets the ${name} objective the baseline broke: ${figures}, p ${params.p}.`,
      params,
    );
  }
  if (pWorse <= ALPHA && bMeets && !cMeets) {
    return claim(
      'regressed',
      'slo.regressed',
      `The candidate breaks the ${name} objective the baseline met: ${figures}, p ${params.p}.`,
      params,
    );
  }
  if (bMeets && cMeets)
    return claim('no change', 'slo.bothMeet', `Both sides meet the ${name} objective: ${figures}.`, params);
  if (!bMeets && !cMeets)
    return claim('no change', 'slo.bothFail', `Both sides break the ${name} objective: ${figures}.`, params);
  return claim(
    'inconclusive',
    'slo.notSignificant',
    `Only one side meets the ${name} objective, but the difference is within what chance gives with these runs (p ${params.p}): ${figures}.`,
    params,
  );
}

interface DefectInput {
  defect: string;
  baselineOn: boolean;
  candidateOn: boolean;
  baseline: readonly RunEvidence[];
  candidate: readonly RunEvidence[];
  sloClaims: readonly SloClaim[];
}

type CountedEvidence = Exclude<DefectClaim['evidence'], { type: 'slo' }>;

/**
 * Per run, what the evidence counts: an invariant's violations, or how many of the measures broke their
 * threshold; null when the run did not read it.
 */
function violationsOf(runs: readonly RunEvidence[], evidence: CountedEvidence): (number | null)[] {
  if (evidence.type === 'measure') {
    return runs.map((r) => {
      const read = evidence.measures.map((name) => r.measures?.find((m) => m.name === name));
      if (read.every((m) => m === undefined)) return null;
      return read.filter((m) => m !== undefined && !m.ok).length;
    });
  }
  const { invariant } = evidence;
  return runs.map((r) =>
    r.invariants === null ? null : (r.invariants.find((i) => i.name === invariant)?.violations ?? null),
  );
}

export function judgeDefect(input: DefectInput, evidence: DefectClaim['evidence']): DefectClaim {
  const base = {
    kind: 'defect' as const,
    id: input.defect,
    claimed: input.baselineOn && !input.candidateOn,
    introduced: !input.baselineOn && input.candidateOn,
    evidence,
  };
  if (evidence.type === 'slo') {
    const slo = input.sloClaims.find((s) => s.id === evidence.slo);
    return {
      ...base,
      verdict: slo?.verdict ?? 'inconclusive',
      reasonKey: 'defect.bySlo',
      reasonParams: { slo: evidence.slo, ...(slo?.reasonParams ?? {}) },
      reason: `Judged by its SLO (${SLO_NAMES[evidence.slo]}): ${slo?.reason ?? 'not measured.'}`,
      baselineReproduced: null,
      candidateReproduced: null,
      candidateBound: null,
      test: null,
      baselineViolations: [],
      candidateViolations: [],
    };
  }
  const bRaw = violationsOf(input.baseline, evidence);
  const cRaw = violationsOf(input.candidate, evidence);
  const what = evidenceLabel(evidence);
  const b = bRaw.filter((v): v is number => v !== null);
  const c = cRaw.filter((v): v is number => v !== null);
  const kB = b.filter((v) => v > 0).length;
  const kC = c.filter((v) => v > 0).length;
  const cRuns = input.candidate.filter((_, i) => cRaw[i] !== null);
  // A measure breaks per run, not per booking attempt: no rate per attempt to bound.
  const attempts = evidence.type === 'measure' ? 0 : cRuns.reduce((sum, r) => sum + r.attempts, 0);
  const violations = c.reduce((sum, v) => sum + v, 0);
  const upper =
    attempts > 0 ? clopperPearsonUpper(Math.min(violations, attempts), attempts, CONFIDENCE) : null;
  const fisher = fisherExact(kB, b.length, kC, c.length);
  const params = {
    invariant: what,
    k: kB,
    n: b.length,
    kCandidate: kC,
    m: c.length,
    attempts,
    violations,
    bound: upper === null ? '—' : per10000(upper),
    p: fmtP(Math.min(fisher.pBetter, fisher.pWorse)),
  };
  const reproduced = `reproduced (${what}) in ${kB} of ${b.length} baseline runs`;
  const held =
    upper === null
      ? `${violations} violations in ${c.length} candidate runs`
      : `${violations} violations in ${c.length} candidate runs and ${attempts.toLocaleString('en-US')} booking attempts: at 95% confidence fewer than ${params.bound} in 10,000`;
  const claim = (verdict: ClaimVerdict, reasonKey: ReasonKey, reason: string): DefectClaim => ({
    ...base,
    verdict,
    reason,
    reasonKey,
    reasonParams: params,
    baselineReproduced: { k: kB, n: b.length },
    candidateReproduced: { k: kC, n: c.length },
    candidateBound: {
      violations,
      attempts,
      runs: c.length,
      confidence: CONFIDENCE,
      upperPer10000: upper === null ? null : upper * 10_000,
      method: 'clopper-pearson',
    },
    test: { method: 'fisher-exact', ...fisher },
    baselineViolations: bRaw,
    candidateViolations: cRaw,
  });
  if (b.length === 0 || c.length === 0) {
    return claim(
      'inconclusive',
      'defect.notMeasured',
      `${evidence.type === 'measure' ? 'The measure' : 'The invariant'} ${what} was not read on ${b.length === 0 ? 'the baseline' : 'the candidate'}.`,
    );
  }
  if (fisher.pMin > ALPHA) {
    return claim(
      'inconclusive',
      'defect.tooFewRuns',
      `Too little data: ${b.length} and ${c.length} runs cannot show a difference at 95% (at least ${MIN_RUNS_PER_SIDE} a side); ${reproduced}, ${held}.`,
    );
  }
  if (fisher.pBetter <= ALPHA && kC === 0) {
    return claim('verified', 'defect.verified', `The fix holds: ${reproduced}; ${held}.`);
  }
  if (fisher.pWorse <= ALPHA && kB === 0) {
    return claim(
      'regressed',
      'defect.regressed',
      `The candidate breaks ${what} in ${kC} of ${c.length} runs where the baseline never did (p ${params.p}).`,
    );
  }
  if (kB === 0 && kC === 0)
    return claim(
      'no change',
      'defect.neverReproduced',
      `Not reproduced on either side: 0 of ${b.length} baseline runs; ${held}.`,
    );
  if (kB > 0 && kC > 0)
    return claim(
      'no change',
      'defect.stillReproduced',
      `Still there: ${reproduced} and in ${kC} of ${c.length} candidate runs.`,
    );
  if (kC === 0) {
    return claim(
      'inconclusive',
      'defect.notSignificant',
      `Not enough to tell the fix from chance (p ${params.p}): ${reproduced} only; ${held}; more runs (--runs) would tell.`,
    );
  }
  return claim(
    'inconclusive',
    'defect.candidateOnly',
    `Seen in ${kC} of ${c.length} candidate runs and no baseline run, which chance can give with these runs (p ${params.p}).`,
  );
}

export interface Judged {
  sloClaims: SloClaim[];
  defectClaims: DefectClaim[];
  notExamined: Verification['notExamined'];
  outcome: Verification['outcome'];
}

/** Every claim of a verification, and its outcome: exit 0 when every claimed fix is verified and nothing regressed. */
export function judgeVerification(scenario: string, baseline: SideSetup, candidate: SideSetup): Judged {
  const sloClaims = SLO_CLAIM_IDS.map((id) => judgeSlo(id, baseline.runs, candidate.runs));
  const defectClaims = revealedBy(scenario).map((reveal) =>
    judgeDefect(
      {
        defect: reveal.defect,
        baselineOn: baseline.defects.includes(reveal.defect),
        candidateOn: candidate.defects.includes(reveal.defect),
        baseline: baseline.runs,
        candidate: candidate.runs,
        sloClaims,
      },
      reveal.evidence,
    ),
  );
  const examined = new Set(defectClaims.map((d) => d.id));
  const notExamined = baseline.defects
    .filter((d) => !candidate.defects.includes(d) && !examined.has(d))
    .map((defect) => ({ defect, scenario: scenarioFor(defect) }));
  const claimed = defectClaims.filter((d) => d.claimed);
  const verified = claimed.filter((d) => d.verdict === 'verified').map((d) => d.id);
  const unproven = claimed.filter((d) => d.verdict !== 'verified').map((d) => d.id);
  const regressed = [...defectClaims, ...sloClaims].filter((c) => c.verdict === 'regressed').map((c) => c.id);
  const ok = claimed.length > 0 && unproven.length === 0 && regressed.length === 0;
  const list = (ids: string[]) => ids.join(', ');
  const sentence = ok
    ? `Verified: the fix of ${list(verified)} holds on ${scenario}, and nothing regressed.`
    : claimed.length === 0 && regressed.length === 0
      ? `Nothing to verify: no defect that ${scenario} reveals is switched off in the candidate (${list(defectClaims.map((d) => `${d.id} ${d.verdict}`)) || 'none'}).`
      : `Not verified: ${[
          ...(unproven.length > 0
            ? [`${list(unproven)} ${unproven.length === 1 ? 'is' : 'are'} not proven`]
            : []),
          ...(regressed.length > 0 ? [`${list(regressed)} regressed`] : []),
        ].join('; ')}.`;
  return {
    sloClaims,
    defectClaims,
    notExamined,
    outcome: { exitCode: ok ? 0 : 99, verified, regressed, unproven, sentence },
  };
}

/** "How this was judged", as verification.json's methods. */
export function methods(): Verification['methods'] {
  return {
    alpha: ALPHA,
    confidence: CONFIDENCE,
    minRunsPerSide: MIN_RUNS_PER_SIDE,
    bootstrapResamples: BOOTSTRAP_RESAMPLES,
    invariants:
      "The unit of evidence is the run. A run reproduces a defect when its invariant has at least one violation. Baseline and candidate are compared by the runs that reproduced it, with a one-sided Fisher exact test; the candidate's violation rate per booking attempt is bounded by an exact one-sided Clopper-Pearson 95% bound.",
    slos: 'Each run gives one figure per SLO (p95, p99, availability, payment-code share). The two sets of runs are compared with an exact permutation test of the Mann-Whitney statistic (one-sided, every split of the runs), and the difference of the medians gets a 95% percentile bootstrap interval over runs (10,000 resamples, seeded by the data).',
    calibration:
      'A fix is verified only when the difference is significant at 5% and the baseline breaks the objective (or shows the defect) where the candidate holds; a regression only when significant and the candidate breaks what the baseline held. So the same setup on both sides cannot be verified, and with fewer than 3 runs a side no difference can be significant: such claims read inconclusive.',
  };
}
