// The service-level objectives of DEFECTS.md, computed from a k6 summary and the invariants. Scenarios
// name their metrics freely, so each SLO looks for the most specific metric first (a booking sub-metric
// or a custom metric), falls back to the general one, and says which it used (`source`).
import { SLO_TARGETS } from '../../load-scenarios/lib/slo.ts';
import type { InvariantReport, K6Metric, K6Summary } from './run-folder.ts';

export type SloId = 'availability' | 'latencyP95' | 'latencyP99' | 'paymentCode' | 'invariants';
export const SLO_IDS: readonly SloId[] = [
  'availability',
  'latencyP95',
  'latencyP99',
  'paymentCode',
  'invariants',
];

export interface SloTargets {
  /** Share of booking requests answered without a 5xx (409 quota exhausted is a correct answer). */
  availability: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  /** The payment code must arrive within this many seconds ... */
  paymentCodeSeconds: number;
  /** ... for at least this share of successful bookings. */
  paymentCodeShare: number;
}

export const DEFAULT_SLO_TARGETS: SloTargets = SLO_TARGETS; // the one source: load-scenarios/lib/slo.ts

export type SloUnit = 'ratio' | 'ms' | 's' | 'count';

export interface SloResult {
  id: SloId;
  /** The objective: value must be >= (or <=) target. */
  op: '>=' | '<=';
  target: number;
  unit: SloUnit;
  /** null when the run did not measure it (the metric is absent). */
  value: number | null;
  /** null when neither a value nor a threshold on the metric tells. */
  ok: boolean | null;
  /** The summary metric (or file) the figure came from. */
  source: string | null;
}

/** Splits "http_req_duration{name:booking}" into its base name and selector text. */
export function splitMetricKey(key: string): { base: string; selector: string } {
  const brace = key.indexOf('{');
  if (brace < 0) return { base: key, selector: '' };
  return { base: key.slice(0, brace), selector: key.slice(brace + 1, key.lastIndexOf('}')) };
}

function findMetric(
  summary: K6Summary,
  accept: (base: string, selector: string, metric: K6Metric) => boolean,
): [string, K6Metric] | null {
  // Sorted so the choice does not depend on the order k6 wrote the keys in.
  for (const key of Object.keys(summary.metrics).sort()) {
    const metric = summary.metrics[key];
    if (!metric) continue;
    const { base, selector } = splitMetricKey(key);
    if (accept(base, selector, metric)) return [key, metric];
  }
  return null;
}

const BOOKING = /book/i;

/** True when a selector names the booking step exactly (the scenarios tag it `step:book`). */
function isBookStep(selector: string): boolean {
  return selector.split(',').some((pair) => /^(step|name):\s*book(ing)?s?$/i.test(pair.trim()));
}

/** The latency metric of booking requests, most specific first. */
export function bookingLatencyMetric(summary: K6Summary): [string, K6Metric] | null {
  return (
    findMetric(
      summary,
      (base, sel, m) => base === 'http_req_duration' && isBookStep(sel) && m.type === 'trend',
    ) ??
    findMetric(
      summary,
      (base, sel, m) => base === 'http_req_duration' && BOOKING.test(sel) && m.type === 'trend',
    ) ??
    findMetric(
      summary,
      (base, sel, m) =>
        sel === '' && BOOKING.test(base) && /duration|latency/i.test(base) && m.type === 'trend',
    ) ??
    findMetric(summary, (base, sel) => base === 'http_req_duration' && sel === 'expected_response:true') ??
    findMetric(summary, (base, sel) => base === 'http_req_duration' && sel === '')
  );
}

/**
 * A threshold on the metric with the given aggregation, e.g. "p(99)<1000": when the summary lacks the
 * value (p(99) is not in k6's default summaryTrendStats) its threshold still says whether it held.
 */
function thresholdOk(metric: K6Metric, aggregation: string): boolean | null {
  if (!metric.thresholds) return null;
  for (const [expr, th] of Object.entries(metric.thresholds)) {
    if (expr.replace(/\s+/g, '').startsWith(aggregation)) return th.ok;
  }
  return null;
}

function judge(op: '>=' | '<=', value: number, target: number): boolean {
  return op === '>=' ? value >= target : value <= target;
}

function latency(
  summary: K6Summary,
  id: 'latencyP95' | 'latencyP99',
  stat: string,
  target: number,
): SloResult {
  const found = bookingLatencyMetric(summary);
  if (!found) return { id, op: '<=', target, unit: 'ms', value: null, ok: null, source: null };
  const [key, metric] = found;
  const value = metric.values[stat] ?? null;
  const ok = value !== null ? judge('<=', value, target) : thresholdOk(metric, stat);
  return { id, op: '<=', target, unit: 'ms', value, ok, source: key };
}

function availability(summary: K6Summary, target: number): SloResult {
  const base = { id: 'availability' as const, op: '>=' as const, target, unit: 'ratio' as const };
  // A scenario-defined rate of "answered without a 5xx" is exactly the SLO (409 counts as good).
  const custom = findMetric(
    summary,
    (b, sel, m) => sel === '' && m.type === 'rate' && /avail/i.test(b) && !/unavail/i.test(b),
  );
  if (custom) {
    const value = custom[1].values.rate ?? null;
    return { ...base, value, ok: value === null ? null : judge('>=', value, target), source: custom[0] };
  }
  // Otherwise 1 - http_req_failed: exact when the scenario's responseCallback expects 409 (the
  // scenarios expect 200-499), stricter than the SLO when it does not. The scenarios tag every
  // booking-API request `surface:api`; admin and bank calls are not the service under test.
  const failed =
    findMetric(summary, (b, sel) => b === 'http_req_failed' && sel.replace(/\s/g, '') === 'surface:api') ??
    findMetric(summary, (b, sel) => b === 'http_req_failed' && BOOKING.test(sel)) ??
    findMetric(summary, (b, sel) => b === 'http_req_failed' && sel === '');
  if (!failed) return { ...base, value: null, ok: null, source: null };
  const rate = failed[1].values.rate;
  const value = rate === undefined ? null : 1 - rate;
  return { ...base, value, ok: value === null ? null : judge('>=', value, target), source: failed[0] };
}

function paymentCode(summary: K6Summary, targets: SloTargets): SloResult {
  const CODE = /payment_?code|billing_?code|code_issue|kode_?billing/i;
  const share = findMetric(summary, (b, sel, m) => sel === '' && m.type === 'rate' && CODE.test(b));
  if (share) {
    const value = share[1].values.rate ?? null;
    const target = targets.paymentCodeShare;
    return {
      id: 'paymentCode',
      op: '>=',
      target,
      unit: 'ratio',
      value,
      ok: value === null ? null : judge('>=', value, target),
      source: share[0],
    };
  }
  // "99% within 30 s" is the same statement as "p(99) <= 30 s" of the time-to-code trend.
  const trend = findMetric(summary, (b, sel, m) => sel === '' && m.type === 'trend' && CODE.test(b));
  const target = targets.paymentCodeSeconds;
  if (!trend) return { id: 'paymentCode', op: '<=', target, unit: 's', value: null, ok: null, source: null };
  const [key, metric] = trend;
  const stat = `p(${Math.round(targets.paymentCodeShare * 100)})`;
  const raw = metric.values[stat];
  // Trends that contain time are in milliseconds in k6 summaries.
  const value = raw === undefined ? null : metric.contains === 'time' ? raw / 1000 : raw;
  const ok = value !== null ? judge('<=', value, target) : thresholdOk(metric, stat);
  return { id: 'paymentCode', op: '<=', target, unit: 's', value, ok, source: key };
}

function invariantSlo(invariants: InvariantReport | null): SloResult {
  if (!invariants) {
    return { id: 'invariants', op: '<=', target: 0, unit: 'count', value: null, ok: null, source: null };
  }
  const value = invariants.invariants.reduce((sum, inv) => sum + inv.violations, 0);
  return {
    id: 'invariants',
    op: '<=',
    target: 0,
    unit: 'count',
    value,
    ok: value === 0 && invariants.ok,
    source: 'invariants.json',
  };
}

export function computeSlos(
  summary: K6Summary,
  invariants: InvariantReport | null,
  targets: SloTargets = DEFAULT_SLO_TARGETS,
): SloResult[] {
  return [
    availability(summary, targets.availability),
    latency(summary, 'latencyP95', 'p(95)', targets.latencyP95Ms),
    latency(summary, 'latencyP99', 'p(99)', targets.latencyP99Ms),
    paymentCode(summary, targets),
    invariantSlo(invariants),
  ];
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
}

export function listThresholds(summary: K6Summary): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const key of Object.keys(summary.metrics).sort()) {
    const thresholds = summary.metrics[key]?.thresholds ?? {};
    for (const [expression, th] of Object.entries(thresholds))
      out.push({ metric: key, expression, ok: th.ok });
  }
  return out;
}
