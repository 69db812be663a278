// The recording and alerting rules, generated from the one SLO source (load-scenarios/lib/slo.ts):
// SLI ratios over each burn-rate window, a multi-window multi-burn-rate pair of alerts for each SLO with
// a budget, the correctness alert, and the operational alerts. `scale` divides every window (windows.ts).

import { budgetOf, SLO_TARGETS } from '@paspor-lab/load-scenarios/slo';
import { stringify } from 'yaml';
import { scaled, spoken } from './windows.ts';

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** The SRE workbook's two pairs: a page for a fast burn, a ticket for a slow one. */
export const BURNS = [
  { suffix: 'Fast', long: '1h', short: '5m', factor: 14.4, for: '2m', severity: 'critical' },
  { suffix: 'Slow', long: '6h', short: '30m', factor: 6, for: '15m', severity: 'warning' },
] as const;
/** Every window an SLI ratio is recorded over (the burns' windows). */
export const WINDOWS = ['5m', '30m', '1h', '6h'] as const;
/** The budget period the "gone in about N days" texts count against. */
const PERIOD_DAYS = 30;

const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(4))}%`;
const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
const spokenSeconds = (ms: number) => `${ms / 1000} s`;

/** The SLI names, for the dashboards and the rule tests. */
export const SLI = {
  availabilityErrors: (window: string) => `sli:api_availability_errors:ratio_rate${window}`,
  availability: 'sli:api_availability:ratio_rate5m',
  latencyUnder: (ms: number, window: string) => `sli:api_latency_under_${seconds(ms)}:ratio_rate${window}`,
  paymentCodeMissed: (window: string) => `sli:payment_code_missed:ratio_rate${window}`,
  paymentCodeWithin: `sli:payment_code_within_${SLO_TARGETS.paymentCodeSeconds}s:ratio_rate5m`,
};

const LATENCY_OBJECTIVES = [
  { ms: SLO_TARGETS.latencyP95Ms, share: 0.95 },
  { ms: SLO_TARGETS.latencyP99Ms, share: 0.99 },
] as const;

const AVAILABILITY_BUDGET = budgetOf(SLO_TARGETS.availability);
const CODE_BUDGET = budgetOf(SLO_TARGETS.paymentCodeShare);

function recordingGroups(scale: number): RuleGroup[] {
  const api = 'http_server_request_duration_seconds';
  const rules: Rule[] = [];
  for (const window of WINDOWS) {
    const w = scaled(window, scale);
    rules.push({
      record: SLI.availabilityErrors(window),
      expr: `(sum(rate(${api}_count{job="api",status_code=~"5.."}[${w}])) or vector(0)) / sum(rate(${api}_count{job="api"}[${w}]))`,
    });
  }
  rules.push({ record: SLI.availability, expr: `1 - ${SLI.availabilityErrors('5m')}` });
  for (const { ms } of LATENCY_OBJECTIVES) {
    for (const window of WINDOWS) {
      const w = scaled(window, scale);
      rules.push({
        record: SLI.latencyUnder(ms, window),
        expr: `sum(rate(${api}_bucket{job="api",le="${ms / 1000}"}[${w}])) / sum(rate(${api}_count{job="api"}[${w}]))`,
      });
    }
  }
  // The service counts each booking once, when its payment-code deadline passes: in time or missed
  // (target-api/api/src/admin/invariants.ts). A booking whose code never comes counts as missed.
  const deadlines = 'mpaspor_payment_code_deadlines_total';
  for (const window of WINDOWS) {
    const w = scaled(window, scale);
    rules.push({
      record: SLI.paymentCodeMissed(window),
      expr: `(sum(rate(${deadlines}{job="api",outcome="missed"}[${w}])) or vector(0)) / sum(rate(${deadlines}{job="api"}[${w}]))`,
    });
  }
  const issue = 'mpaspor_payment_code_issue_seconds';
  const w5 = scaled('5m', scale);
  rules.push({
    record: SLI.paymentCodeWithin,
    expr: `sum(rate(${issue}_bucket{le="${SLO_TARGETS.paymentCodeSeconds}"}[${w5}])) / sum(rate(${issue}_count[${w5}]))`,
  });
  return [{ name: 'slo-sli', rules }];
}

const runbook = (alert: string) => `observability/README.md#${alert.toLowerCase()}`;

function burnAlerts(scale: number): Rule[] {
  const rules: Rule[] = [];
  for (const burn of BURNS) {
    const long = spoken(scaled(burn.long, scale));
    const short = spoken(scaled(burn.short, scale));
    const over = `over the last ${long} and the last ${short}`;
    const times = `${Math.floor(burn.factor)}x`;
    const common = { for: scaled(burn.for, scale), labels: { severity: burn.severity } };
    const threshold = (budget: number) => `(${burn.factor} * ${budget})`;
    const both = (series: (w: string) => string, budget: number) =>
      `${series(burn.long)} > ${threshold(budget)} and ${series(burn.short)} > ${threshold(budget)}`;

    const availability = `ApiAvailabilityBurn${burn.suffix}`;
    rules.push({
      alert: availability,
      expr: both(SLI.availabilityErrors, AVAILABILITY_BUDGET),
      ...common,
      annotations: {
        summary: `Booking API is spending its availability budget ${times} too fast`,
        description: `More than ${percent(burn.factor * AVAILABILITY_BUDGET)} of booking-API requests answered 5xx ${over}; at this rate the ${PERIOD_DAYS}-day ${percent(SLO_TARGETS.availability)} budget is gone in about ${Math.round(PERIOD_DAYS / burn.factor)} days.`,
        runbook_url: runbook(availability),
      },
    });

    const latency = `ApiLatencyBurn${burn.suffix}`;
    const slow = LATENCY_OBJECTIVES.map(
      ({ ms, share }) =>
        `(1 - ${SLI.latencyUnder(ms, burn.long)} > ${threshold(budgetOf(share))} and 1 - ${SLI.latencyUnder(ms, burn.short)} > ${threshold(budgetOf(share))})`,
    );
    rules.push({
      alert: latency,
      expr: slow.join(' or '),
      ...common,
      annotations: {
        summary: `Booking API latency budget is burning ${times} too fast`,
        description: `${over.replace(/^o/, 'O')} ${LATENCY_OBJECTIVES.map(({ ms, share }, i) => `more than ${percent(burn.factor * budgetOf(share))}${i === 0 ? ' of requests' : ''} took over ${spokenSeconds(ms)}`).join(', or ')} (objectives ${LATENCY_OBJECTIVES.map(({ ms, share }) => `${percent(share)} under ${spokenSeconds(ms)}`).join(', ')}).`,
        runbook_url: runbook(latency),
      },
    });

    const code = `PaymentCodeBurn${burn.suffix}`;
    rules.push({
      alert: code,
      expr: both(SLI.paymentCodeMissed, CODE_BUDGET),
      ...common,
      annotations: {
        summary: `Payment codes are missing their ${SLO_TARGETS.paymentCodeSeconds} s objective ${times} faster than the budget allows`,
        description: `More than ${percent(burn.factor * CODE_BUDGET)} of the bookings whose ${SLO_TARGETS.paymentCodeSeconds} s payment-code deadline passed ${over} had no code by then (objective: ${percent(SLO_TARGETS.paymentCodeShare)} within ${SLO_TARGETS.paymentCodeSeconds} s).`,
        runbook_url: runbook(code),
      },
    });
  }
  return rules;
}

function operationalAlerts(scale: number): Rule[] {
  const s = (d: string) => scaled(d, scale);
  return [
    {
      alert: 'BillingCircuitOpen',
      expr: 'max(mpaspor_billing_circuit_state) >= 2',
      for: s('1m'),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The billing circuit breaker is open',
        description:
          'The API has stopped calling the billing system after repeated failures; payment codes wait in the outbox until it closes.',
        runbook_url: runbook('BillingCircuitOpen'),
      },
    },
    {
      alert: 'PaymentCodesPendingGrowing',
      expr: `sum(mpaspor_payment_codes_pending) > 10 and sum(delta(mpaspor_payment_codes_pending[${s('10m')}])) > 0`,
      for: s('10m'),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Bookings waiting for a payment code keep piling up',
        description: `More than 10 held bookings are waiting for their payment code and the number has grown for ${spoken(s('10m'))}; the ${SLO_TARGETS.paymentCodeSeconds} s payment-code objective is at risk.`,
        runbook_url: runbook('PaymentCodesPendingGrowing'),
      },
    },
    {
      alert: 'EventLoopLagHigh',
      expr: 'max by (job, instance) (nodejs_eventloop_lag_p99_seconds) > 0.2',
      for: s('5m'),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Event-loop lag of {{ $labels.job }} is high',
        description: `The p99 event-loop lag of {{ $labels.job }} ({{ $labels.instance }}) has been over 200 ms for ${spoken(s('5m'))}: the process is CPU-bound or blocked, and every request waits.`,
        runbook_url: runbook('EventLoopLagHigh'),
      },
    },
    {
      alert: 'ShedRateHigh',
      expr: `sum(rate(mpaspor_booking_attempts_total{outcome="shed"}[${s('5m')}])) / sum(rate(mpaspor_booking_attempts_total[${s('5m')}])) > 0.1`,
      for: s('5m'),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'More than 10% of booking attempts are shed',
        description: `Admission control is answering 429/503 to more than 10% of booking attempts over ${spoken(s('5m'))}; the service is over capacity.`,
        runbook_url: runbook('ShedRateHigh'),
      },
    },
  ];
}

/** The names of the SLO alerts: what must stay silent on a hardened run. */
export const SLO_ALERTS = [
  ...BURNS.flatMap((b) => [
    `ApiAvailabilityBurn${b.suffix}`,
    `ApiLatencyBurn${b.suffix}`,
    `PaymentCodeBurn${b.suffix}`,
  ]),
  'InvariantViolation',
];

function alertGroups(scale: number): RuleGroup[] {
  return [
    { name: 'slo-burn-rate', rules: burnAlerts(scale) },
    {
      name: 'correctness',
      rules: [
        {
          // Zero violations allowed: no budget to burn, so no windows; any violation pages at once. The
          // service re-checks on its own every few seconds (INVARIANT_CHECK_MS), so this fires mid-rush.
          alert: 'InvariantViolation',
          expr: 'max by (invariant) (mpaspor_invariant_violations) > 0',
          labels: { severity: 'critical' },
          annotations: {
            summary: 'Booking invariant {{ $labels.invariant }} is violated',
            description:
              'The last invariant check found violations of {{ $labels.invariant }}. Correctness has no error budget: every violation is an incident.',
            runbook_url: runbook('InvariantViolation'),
          },
        },
      ],
    },
    { name: 'booking-path', rules: operationalAlerts(scale) },
  ];
}

const HEADER = {
  recording:
    '# SLI recording rules. Booking-API requests are the API job\'s HTTP histogram (the simulator exports the\n# same metric name under job="billing-sim", which is not part of the SLO).',
  alerts:
    '# Alerts. Burn-rate alerts follow the multi-window scheme: a long window that proves the budget is\n# really being spent and a short one (1/12 of it) that stops the alert soon after the burn ends.',
};

function render(kind: 'recording' | 'alerts', groups: RuleGroup[], scale: number): string {
  const note =
    scale === 1
      ? ''
      : `\n# Time scale 1/${scale}: every window and "for" is divided by ${scale} (a run of seconds); the\n# record names keep their production windows.`;
  return `# GENERATED by observability/prometheus/src/generate.ts from load-scenarios/lib/slo.ts: do not edit.\n${HEADER[kind]}${note}\n${stringify({ groups }, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** File name (under rules/) -> text. */
export function renderRules(scale = 1): Record<'recording.yml' | 'alerts.yml', string> {
  return {
    'recording.yml': render('recording', recordingGroups(scale), scale),
    'alerts.yml': render('alerts', alertGroups(scale), scale),
  };
}
