import { describe, expect, it } from 'vitest';
import type { RunEvidence, SideSetup, SloFigure } from '../contract/schemas.ts';
import { judgeVerification } from './verdicts.ts';

const figure = (
  value: number | null,
  op: '>=' | '<=',
  target: number,
  unit: SloFigure['unit'],
): SloFigure => ({
  value,
  ok: value === null ? null : op === '>=' ? value >= target : value <= target,
  op,
  target,
  unit,
  source: 'test',
});

function run(
  side: 'baseline' | 'candidate',
  order: number,
  f: { p95: number; over: number; dup: number; avail?: number },
): RunEvidence {
  return {
    id: `${side}-${order}`,
    dir: `runs/${side}-${order}`,
    side,
    order,
    startedAt: '2026-12-02T08:00:00.000Z',
    endedAt: '2026-12-02T08:00:10.000Z',
    exitCode: f.over + f.dup > 0 ? 99 : 0,
    passed: f.over + f.dup === 0,
    attempts: 70,
    slos: {
      availability: figure(f.avail ?? 1, '>=', 0.995, 'ratio'),
      latencyP95: figure(f.p95, '<=', 500, 'ms'),
      latencyP99: figure(f.p95 * 1.3, '<=', 1000, 'ms'),
      paymentCode: figure(null, '>=', 0.99, 'ratio'),
    },
    invariants: [
      { name: 'slot-over-capacity', violations: f.over },
      { name: 'duplicate-active-booking', violations: f.dup },
    ],
  };
}

const ALL = [
  'quota-race',
  'billing-fragile',
  'duplicate-submit',
  'overload-collapse',
  'paid-but-expired',
  'quota-hoarding',
];
const side = (label: string, defects: string[], runs: RunEvidence[]): SideSetup => ({
  label,
  profile: label,
  defects,
  runs,
});
const legacyRuns = (n: number) =>
  Array.from({ length: n }, (_, i) => run('baseline', 2 * i, { p95: 330 + i, over: 5 + i, dup: 28 + i }));
const hardenedRuns = (n: number, s: 'baseline' | 'candidate' = 'candidate') =>
  Array.from({ length: n }, (_, i) => run(s, 2 * i + 1, { p95: 200 + 7 * i, over: 0, dup: 0 }));

describe('judgeVerification', () => {
  it('verifies quota-race and duplicate-submit of legacy against hardened on quota-rush (exit 0), with the bound', () => {
    const judged = judgeVerification(
      'quota-rush',
      side('legacy', ALL, legacyRuns(3)),
      side('hardened', [], hardenedRuns(3)),
    );
    const race = judged.defectClaims.find((d) => d.id === 'quota-race');
    expect(race).toMatchObject({ claimed: true, verdict: 'verified', baselineReproduced: { k: 3, n: 3 } });
    expect(race?.candidateBound?.attempts).toBe(210);
    // 0 in 210 attempts: 1 - 0.05^(1/210) = 141.6 in 10,000, rounded up
    expect(race?.reason).toContain(
      '0 violations in 3 candidate runs and 210 booking attempts: at 95% confidence fewer than 142 in 10,000',
    );
    expect(race?.reason).toContain('reproduced (slot-over-capacity) in 3 of 3 baseline runs');
    expect(judged.outcome).toMatchObject({
      exitCode: 0,
      verified: ['quota-race', 'duplicate-submit'],
      regressed: [],
    });
    expect(judged.notExamined.map((n) => n.defect)).toEqual([
      'billing-fragile',
      'overload-collapse',
      'paid-but-expired',
      'quota-hoarding',
    ]);
    // Latency both within the objective: a faster candidate is no change, not a verified fix.
    expect(judged.sloClaims.find((s) => s.id === 'latencyP95')?.verdict).toBe('no change');
    expect(judged.sloClaims.find((s) => s.id === 'paymentCode')?.verdict).toBe('inconclusive');
  });

  it('claims only the fixes switched off in the candidate: --baseline-defects quota-race verifies quota-race alone', () => {
    const baseline = legacyRuns(3).map((r) => ({
      ...r,
      invariants: [
        { name: 'slot-over-capacity', violations: 4 },
        { name: 'duplicate-active-booking', violations: 0 },
      ],
    }));
    const judged = judgeVerification(
      'quota-rush',
      side('defects: quota-race', ['quota-race'], baseline),
      side('hardened', [], hardenedRuns(3)),
    );
    expect(judged.outcome).toMatchObject({ exitCode: 0, verified: ['quota-race'] });
    expect(judged.defectClaims.find((d) => d.id === 'duplicate-submit')).toMatchObject({
      claimed: false,
      verdict: 'no change',
    });
  });

  it('says no change, never verified, for hardened against hardened, and exits 99 (nothing to verify)', () => {
    const judged = judgeVerification(
      'quota-rush',
      side('hardened', [], hardenedRuns(5, 'baseline')),
      side('hardened', [], hardenedRuns(5)),
    );
    const verdicts = [...judged.sloClaims, ...judged.defectClaims].map((c) => c.verdict);
    expect(verdicts).not.toContain('verified');
    expect(verdicts).not.toContain('regressed');
    expect(judged.defectClaims.every((d) => d.verdict === 'no change')).toBe(true);
    expect(judged.outcome.exitCode).toBe(99);
    expect(judged.outcome.sentence).toMatch(/^Nothing to verify/);
  });

  it('reads inconclusive for every claim with one run a side, and does not pass', () => {
    const judged = judgeVerification(
      'quota-rush',
      side('legacy', ALL, legacyRuns(1)),
      side('hardened', [], hardenedRuns(1)),
    );
    expect(judged.sloClaims.map((s) => s.verdict)).toEqual([
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'inconclusive',
    ]);
    expect(judged.sloClaims[1]?.reasonKey).toBe('slo.tooFewRuns');
    expect(judged.defectClaims.every((d) => d.verdict === 'inconclusive')).toBe(true);
    expect(judged.outcome).toMatchObject({ exitCode: 99, unproven: ['quota-race', 'duplicate-submit'] });
  });

  it('does not verify a defect the baseline reproduced in only 2 of 3 runs: inconclusive, run more', () => {
    const baseline = legacyRuns(3);
    baseline[0] = { ...run('baseline', 0, { p95: 330, over: 0, dup: 20 }) };
    const judged = judgeVerification(
      'quota-rush',
      side('legacy', ALL, baseline),
      side('hardened', [], hardenedRuns(3)),
    );
    expect(judged.defectClaims.find((d) => d.id === 'quota-race')).toMatchObject({
      verdict: 'inconclusive',
      reasonKey: 'defect.notSignificant',
    });
    expect(judged.outcome.exitCode).toBe(99);
  });

  it('says regressed when the candidate breaks an objective the baseline met, and exits 99', () => {
    const slow = Array.from({ length: 3 }, (_, i) =>
      run('candidate', 2 * i + 1, { p95: 900 + i, over: 0, dup: 0 }),
    );
    const judged = judgeVerification(
      'quota-rush',
      side('legacy', ALL, legacyRuns(3)),
      side('hardened', [], slow),
    );
    expect(judged.sloClaims.find((s) => s.id === 'latencyP95')).toMatchObject({
      verdict: 'regressed',
      reasonKey: 'slo.regressed',
    });
    expect(judged.outcome).toMatchObject({ exitCode: 99, regressed: ['latencyP95', 'latencyP99'] });
  });

  it('verifies an SLO only when the baseline broke it and the candidate meets it, significantly', () => {
    const slowBase = Array.from({ length: 3 }, (_, i) =>
      run('baseline', 2 * i, { p95: 900 + i, over: 0, dup: 0 }),
    );
    const judged = judgeVerification(
      'quota-rush',
      side('legacy', ALL, slowBase),
      side('hardened', [], hardenedRuns(3)),
    );
    const p95 = judged.sloClaims.find((s) => s.id === 'latencyP95');
    expect(p95).toMatchObject({ verdict: 'verified' });
    expect(p95?.comparison.test?.pBetter).toBeCloseTo(0.05, 12);
    expect(p95?.comparison.difference?.high).toBeLessThan(0);
  });
});

describe('judgeVerification: defects judged by a scenario measure', () => {
  const hoardingRun = (s: 'baseline' | 'candidate', order: number, most: number): RunEvidence => ({
    ...run(s, order, { p95: 200, over: 0, dup: 0 }),
    measures: [
      { name: 'max_holds_per_account', value: most, ok: most <= 5 },
      { name: 'tout_seats', value: most * 3, ok: most * 3 <= 24 },
    ],
  });

  it('verifies quota-hoarding by max_holds_per_account and tout_seats, without a per-attempt bound', () => {
    const judged = judgeVerification(
      'quota-hoarding',
      side(
        'legacy',
        ALL,
        [0, 2, 4].map((o) => hoardingRun('baseline', o, 10)),
      ),
      side(
        'hardened',
        [],
        [1, 3, 5].map((o) => hoardingRun('candidate', o, 5)),
      ),
    );
    const claim = judged.defectClaims.find((d) => d.id === 'quota-hoarding');
    expect(claim).toMatchObject({
      verdict: 'verified',
      evidence: { type: 'measure', measures: ['max_holds_per_account', 'tout_seats'] },
      baselineReproduced: { k: 3, n: 3 },
      candidateReproduced: { k: 0, n: 3 },
      baselineViolations: [2, 2, 2],
    });
    expect(claim?.reason).toContain('reproduced (max_holds_per_account, tout_seats) in 3 of 3 baseline runs');
    expect(claim?.candidateBound?.upperPer10000).toBeNull();
    expect(judged.outcome).toMatchObject({ exitCode: 0, verified: ['quota-hoarding'] });
    // quota-hoarding is examined here, so it is not sent elsewhere.
    expect(judged.notExamined.map((n) => n.defect)).not.toContain('quota-hoarding');
  });

  it('says the measure was not read when the runs carry no measures', () => {
    const judged = judgeVerification(
      'lost-notices',
      side('legacy', ALL, legacyRuns(3)),
      side('hardened', [], hardenedRuns(3)),
    );
    const claim = judged.defectClaims.find((d) => d.id === 'paid-but-expired');
    expect(claim).toMatchObject({ verdict: 'inconclusive', reasonKey: 'defect.notMeasured' });
    expect(claim?.reason).toBe('The measure paid_not_paid was not read on the baseline.');
  });

  it('does not verify a fix whose candidate still breaks the measure', () => {
    const judged = judgeVerification(
      'quota-hoarding',
      side(
        'legacy',
        ALL,
        [0, 2, 4].map((o) => hoardingRun('baseline', o, 10)),
      ),
      side(
        'hardened',
        [],
        [1, 3, 5].map((o) => hoardingRun('candidate', o, 7)),
      ),
    );
    expect(judged.defectClaims.find((d) => d.id === 'quota-hoarding')?.verdict).toBe('no change');
    expect(judged.outcome.exitCode).toBe(99);
  });
});
