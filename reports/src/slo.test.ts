import { describe, expect, it } from 'vitest';
import { invariantsJson, k6Summary } from '../test/fixtures.ts';
import { parseInvariants, parseSummary } from './run-folder.ts';
import { computeSlos, errorBudgets, listThresholds, type SloId, type SloResult, shareAbove } from './slo.ts';

function byId(slos: SloResult[], id: SloId): SloResult {
  const slo = slos.find((s) => s.id === id);
  if (!slo) throw new Error(`no SLO ${id}`);
  return slo;
}

function summaryWith(metrics: Record<string, unknown>) {
  return parseSummary({ root_group: {}, options: {}, state: { testRunDurationMs: 1000 }, metrics });
}

describe('computeSlos', () => {
  it('judges the legacy quota-rush summary: availability and booking latency broken, payment code kept', () => {
    const slos = computeSlos(parseSummary(k6Summary('legacy')), parseInvariants(invariantsJson('legacy')));
    const availability = byId(slos, 'availability');
    expect(availability.source).toBe('http_req_failed{surface:api}');
    expect(availability.value).toBeCloseTo(1 - 0.0312, 6);
    expect(availability.ok).toBe(false);
    expect(byId(slos, 'latencyP95')).toMatchObject({
      source: 'http_req_duration{step:book}',
      value: 1843.2,
      ok: false,
    });
    expect(byId(slos, 'latencyP99')).toMatchObject({ value: 3120.7, ok: false });
    // 5,000 in time of 5,009 followed bookings (the rate's own passes and fails)
    expect(byId(slos, 'paymentCode')).toMatchObject({
      source: 'payment_code_within_slo',
      value: 5000 / 5009,
      ok: true,
      events: { good: 5000, total: 5009 },
    });
    expect(byId(slos, 'invariants')).toMatchObject({ value: 17, target: 0, ok: false });
  });

  it('passes every SLO of the hardened summary', () => {
    const slos = computeSlos(
      parseSummary(k6Summary('hardened')),
      parseInvariants(invariantsJson('hardened')),
    );
    expect(slos.map((s) => [s.id, s.ok])).toEqual([
      ['availability', true],
      ['latencyP95', true],
      ['latencyP99', true],
      ['paymentCode', true],
      ['invariants', true],
    ]);
  });

  it('takes the p99 verdict from the threshold when the summary has no p(99) value', () => {
    const slos = computeSlos(parseSummary(k6Summary('legacy', { withP99: false })), null);
    expect(byId(slos, 'latencyP99')).toMatchObject({
      value: null,
      ok: false,
      source: 'http_req_duration{step:book}',
    });
  });

  it('prefers a scenario-defined availability rate, in which a 409 counts as a correct answer', () => {
    const summary = summaryWith({
      booking_availability: { type: 'rate', contains: 'default', values: { rate: 0.9971 } },
      http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0.2 } },
    });
    expect(byId(computeSlos(summary, null), 'availability')).toMatchObject({
      source: 'booking_availability',
      value: 0.9971,
      ok: true,
    });
  });

  it('reads "99% of codes within 30 s" from a time-to-code trend in milliseconds', () => {
    const summary = summaryWith({
      payment_code_wait: { type: 'trend', contains: 'time', values: { 'p(99)': 41_500 } },
    });
    expect(byId(computeSlos(summary, null), 'paymentCode')).toMatchObject({
      unit: 's',
      value: 41.5,
      ok: false,
    });
  });

  it('says "not measured" rather than passing when the metrics and invariants are absent', () => {
    const slos = computeSlos(summaryWith({}), null);
    for (const slo of slos) expect(slo).toMatchObject({ value: null, ok: null, source: null });
  });

  it('lists every threshold with its metric, expression and result', () => {
    const thresholds = listThresholds(parseSummary(k6Summary('legacy')));
    expect(thresholds).toContainEqual({
      metric: 'http_req_duration{step:book}',
      expression: 'p(95)<500',
      ok: false,
    });
    expect(thresholds).toContainEqual({
      metric: 'payment_code_within_slo',
      expression: 'rate>=0.99',
      ok: true,
    });
    expect(thresholds).toHaveLength(4);
  });
});

/** The legacy payment-code-failure run of 2 Dec: every booking answered 201 got its code, 10 kept a seat after a 500. */
function paymentCodeFailure(withoutCode: number) {
  const summary = summaryWith({
    payment_code_within_slo: {
      type: 'rate',
      contains: 'default',
      values: { rate: 1, passes: 115, fails: 0 },
    },
    'http_req_failed{surface:api}': {
      type: 'rate',
      contains: 'default',
      values: { rate: 41 / 158, passes: 41, fails: 117 },
    },
  });
  const invariants = parseInvariants({
    ok: withoutCode === 0,
    invariants: [{ name: 'booking-without-code', violations: withoutCode, examples: [] }],
  });
  return { summary, slos: computeSlos(summary, invariants) };
}

describe('the payment-code SLO counts every booking that took a seat', () => {
  it('adds the seats kept without a code (booking-without-code) as misses: 115 of 125, not 100%', () => {
    const slo = byId(paymentCodeFailure(10).slos, 'paymentCode');
    expect(slo.value).toBeCloseTo(115 / 125, 10);
    expect(slo).toMatchObject({ ok: false, unanswered: 10, events: { good: 115, total: 125 } });
  });

  it('keeps 100% when the database shows no seat held without a code', () => {
    expect(byId(paymentCodeFailure(0).slos, 'paymentCode')).toMatchObject({ value: 1, ok: true });
  });

  it('fails a time-to-code trend that met p(99) when seats were kept with no code at all', () => {
    const summary = summaryWith({
      payment_code_wait: { type: 'trend', contains: 'time', values: { 'p(99)': 2_900, max: 3_200 } },
    });
    const inv = parseInvariants({
      invariants: [{ name: 'booking-without-code', violations: 3, examples: [] }],
    });
    expect(byId(computeSlos(summary, inv), 'paymentCode')).toMatchObject({ value: 2.9, ok: false });
  });
});

describe('errorBudgets', () => {
  it('turns a 25.95% error rate into a burn rate of 52 and a 30-day 99.5% budget gone in about 14 hours', () => {
    const { summary, slos } = paymentCodeFailure(10);
    const budget = errorBudgets({ ...summary, state: { testRunDurationMs: 24_000 } }, slos).find(
      (b) => b.id === 'availability',
    );
    expect(budget?.events).toEqual({ bad: 41, total: 158 });
    expect(budget?.burnRate).toBeCloseTo(41 / 158 / 0.005, 6);
    // 30 days / 51.9 = 13.9 hours
    expect((budget?.exhaustedAfterMs ?? 0) / 3_600_000).toBeCloseTo(13.87, 1);
    // 24 s at 51.9x spends 51.9 * 24 s of a 30-day budget
    expect(budget?.spentShare).toBeCloseTo((51.898 * 24) / (30 * 86_400), 6);
  });

  it('burns nothing when nothing was bad, and gives the invariants no budget at all', () => {
    const summary = summaryWith({
      'http_req_failed{surface:api}': {
        type: 'rate',
        contains: 'default',
        values: { rate: 0, passes: 0, fails: 50 },
      },
    });
    const budgets = errorBudgets(summary, computeSlos(summary, parseInvariants({ invariants: [] })));
    expect(budgets.map((b) => [b.id, b.burnRate, b.exhaustedAfterMs])).toEqual([['availability', 0, null]]);
  });

  it('estimates the share of slow bookings from the percentiles: exact at a known one', () => {
    const values = { min: 10, med: 200, 'p(90)': 400, 'p(95)': 500, 'p(99)': 900, max: 1500 };
    expect(shareAbove(values, 500)).toBeCloseTo(0.05, 10);
    // halfway between p(90)=400 and p(95)=500: 7.5% above
    expect(shareAbove(values, 450)).toBeCloseTo(0.075, 10);
    expect(shareAbove(values, 2000)).toBe(0);
    expect(shareAbove(values, 5)).toBe(1);
  });
});
