import { describe, expect, it } from 'vitest';
import { invariantsJson, k6Summary } from '../../test/fixtures.ts';
import { judgeRun } from './judge.ts';
import { parseInvariants, parseSummary } from './run-folder.ts';

const judged = (profile: 'legacy' | 'hardened') =>
  judgeRun({
    scenario: 'quota-rush',
    summary: parseSummary(k6Summary(profile)),
    invariants: parseInvariants(invariantsJson(profile)),
  });

const bare = (thresholdOk: boolean) =>
  parseSummary({
    metrics: {
      http_req_duration: { type: 'trend', values: {}, thresholds: { 'p(95)<500': { ok: true } } },
      'http_req_failed{surface:api}': {
        type: 'rate',
        values: {},
        thresholds: { 'rate<0.005': { ok: thresholdOk } },
      },
    },
  });
const clean = {
  ok: true,
  invariants: [{ name: 'slot-over-capacity', description: null, violations: 0, examples: [] }],
};

describe('judgeRun', () => {
  it('fails the legacy run (exit 99) for its violated invariants, broken SLOs and failed thresholds, most serious first', () => {
    const legacy = judged('legacy');
    expect(legacy).toMatchObject({ passed: false, exitCode: 99 });
    expect(legacy.reasons[0]).toEqual({ kind: 'invariant', key: 'slot-over-capacity', count: 14 });
    expect(legacy.reasons).toContainEqual({ kind: 'invariant', key: 'duplicate-active-booking', count: 3 });
    expect(legacy.reasons).toContainEqual({ kind: 'slo', key: 'availability' });
    expect(legacy.reasons).toContainEqual({
      kind: 'threshold',
      key: 'http_req_duration{step:book} p(99)<1000',
      metric: 'http_req_duration{step:book}',
    });
    expect(legacy.reasons.some((r) => r.key === 'paid-but-expired')).toBe(false);
    expect(legacy.violatedInvariants).toContainEqual({ name: 'slot-over-capacity', violations: 14 });
  });

  it('passes the hardened run (exit 0) and records everything it measured', () => {
    const hardened = judged('hardened');
    expect(hardened).toMatchObject({ passed: true, exitCode: 0, reasons: [] });
    expect(hardened.measured).toContain('invariant:slot-over-capacity');
    expect(hardened.measured).toContain('threshold:http_req_failed{surface:api} rate<0.005');
  });

  it('fails a run whose invariants.json says not ok even with no itemised violation', () => {
    const result = judgeRun({
      scenario: 's',
      summary: bare(true),
      invariants: { ok: false, invariants: [] },
    });
    expect(result.passed).toBe(false);
    expect(result.reasons).toEqual([{ kind: 'invariant', key: 'invariants', count: 0 }]);
  });

  it('keeps the engine code of a run that went wrong and names the reason', () => {
    const result = judgeRun({
      scenario: 's',
      summary: null,
      invariants: null,
      engineExit: 107,
      runError: 'SyntaxError',
    });
    expect(result).toMatchObject({
      exitCode: 107,
      passed: false,
      error: 'the load engine exited with code 107: SyntaxError',
    });
  });

  it('cannot judge a live run whose invariants were not read (exit 1), but only notes it for an old folder', () => {
    expect(judgeRun({ scenario: 's', summary: bare(true), invariants: null })).toMatchObject({
      exitCode: 1,
      error: 'the invariants could not be read from the target',
    });
    expect(
      judgeRun({ scenario: 's', summary: bare(true), invariants: null, invariantsRequired: false }),
    ).toMatchObject({
      exitCode: 0,
      passed: true,
    });
  });

  it('fails on a failed threshold even when every invariant holds', () => {
    const result = judgeRun({ scenario: 's', summary: bare(false), invariants: clean, engineExit: 99 });
    expect(result.exitCode).toBe(99);
    expect(result.failedThresholds).toEqual(['http_req_failed{surface:api}: rate<0.005']);
  });
});
