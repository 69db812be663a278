import { describe, expect, it } from 'vitest';
import { invariantsJson, k6Summary } from '../test/fixtures.ts';
import { parseInvariants, parseSummary } from './run-folder.ts';
import { computeSlos, listThresholds, type SloId, type SloResult } from './slo.ts';

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
    expect(byId(slos, 'paymentCode')).toMatchObject({
      source: 'payment_code_within_slo',
      value: 0.9981,
      ok: true,
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
