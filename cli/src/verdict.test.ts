import { describe, expect, it } from 'vitest';
import { describeVerdict, judge } from './verdict.ts';

const summary = (ok: boolean) => ({
  metrics: {
    http_req_duration: { thresholds: { 'p(95)<500': { ok: true } } },
    'http_req_failed{surface:api}': { thresholds: { 'rate<0.005': { ok } } },
    iterations: {},
  },
});
const clean = [{ name: 'slot-over-capacity', violations: 0 }];

describe('judge', () => {
  it('passes (exit 0) only when every threshold and every invariant holds', () => {
    const verdict = judge(0, summary(true), clean);
    expect(verdict).toMatchObject({
      exitCode: 0,
      passed: true,
      failedThresholds: [],
      violatedInvariants: [],
    });
    expect(describeVerdict(verdict)).toBe('PASS: every threshold and invariant holds');
  });

  it('fails with 99 on an invariant violation even when every threshold held', () => {
    const verdict = judge(0, summary(true), [{ name: 'slot-over-capacity', violations: 3 }]);
    expect(verdict.exitCode).toBe(99);
    expect(describeVerdict(verdict)).toBe('FAIL: invariants slot-over-capacity (3)');
  });

  it('fails with 99 and names the failed threshold', () => {
    const verdict = judge(99, summary(false), clean);
    expect(verdict.exitCode).toBe(99);
    expect(verdict.failedThresholds).toEqual(['http_req_failed{surface:api}: rate<0.005']);
  });

  it('keeps the engine code when the run itself went wrong, and says the run could not be judged without invariants', () => {
    expect(judge(107, null, null)).toMatchObject({ exitCode: 107, passed: false });
    expect(judge(0, summary(true), null)).toMatchObject({
      exitCode: 1,
      error: 'the invariants could not be read from the target',
    });
  });
});

describe('judge with an engine error', () => {
  it("carries the engine's reason into the one-line verdict", () => {
    const verdict = judge(107, null, null, 'SyntaxError in quota-rush.ts:3');
    expect(describeVerdict(verdict)).toBe(
      'ERROR: the load engine exited with code 107: SyntaxError in quota-rush.ts:3',
    );
  });
});
