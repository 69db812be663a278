// The "Booking API" dashboard: traffic and latency by route (exemplars on, so a slow bucket opens its
// trace), the SLOs from the recording rules, the booking domain (attempts, slots, billing, codes,
// notices, expiries, invariants) and the process (event loop, database pool); annotated with load-test
// runs and injected faults. Built with the Grafana foundation SDK (common.ts has the shared parts).
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { SLO_TARGETS } from '@paspor-lab/load-scenarios/slo';
import {
  dashboardLink,
  labDashboard,
  labelVariable,
  type Row,
  runAnnotation,
  sloStat,
  timeseries,
  withRows,
} from './common.ts';

const API = 'job="api"';
const HTTP = 'http_server_request_duration_seconds';

function quantile(q: number, by: string): string {
  return `histogram_quantile(${q}, sum by (le, ${by}) (rate(${HTTP}_bucket{${API}}[$__rate_interval])))`;
}

const pct = (share: number) => `${Number((share * 100).toPrecision(4))}%`;

export function bookingApiDashboard(): Dashboard {
  const rows: Row[] = [
    {
      title: 'Service level objectives',
      panels: [
        sloStat({
          title: 'Availability (5m)',
          description: `Share of booking-API requests without a 5xx; objective ${pct(SLO_TARGETS.availability)}.`,
          expr: 'sli:api_availability:ratio_rate5m',
          objective: SLO_TARGETS.availability,
        }),
        sloStat({
          title: 'Under 0.5 s (5m)',
          description: 'Share of booking-API requests under 0.5 s; objective 95%.',
          expr: 'sli:api_latency_under_500ms:ratio_rate5m',
          objective: 0.95,
        }),
        sloStat({
          title: 'Under 1 s (5m)',
          description: 'Share of booking-API requests under 1 s; objective 99%.',
          expr: 'sli:api_latency_under_1s:ratio_rate5m',
          objective: 0.99,
        }),
        sloStat({
          title: 'Payment codes within 30 s (5m)',
          description: `Share of payment codes issued within ${SLO_TARGETS.paymentCodeSeconds} s of the booking; objective ${pct(SLO_TARGETS.paymentCodeShare)}.`,
          expr: 'sli:payment_code_within_30s:ratio_rate5m',
          objective: SLO_TARGETS.paymentCodeShare,
        }),
        timeseries({
          title: 'Availability error ratio by window',
          description: 'Error ratios the burn-rate alerts compare with 14.4x and 6x the 0.5% budget.',
          queries: [
            { expr: 'sli:api_availability_errors:ratio_rate5m', legend: '5m' },
            { expr: 'sli:api_availability_errors:ratio_rate1h', legend: '1h' },
            { expr: 'sli:api_availability_errors:ratio_rate6h', legend: '6h' },
          ],
          unit: 'percentunit',
        }),
        timeseries({
          title: 'Latency SLIs by window',
          queries: [
            { expr: 'sli:api_latency_under_500ms:ratio_rate5m', legend: 'under 0.5 s, 5m' },
            { expr: 'sli:api_latency_under_500ms:ratio_rate1h', legend: 'under 0.5 s, 1h' },
            { expr: 'sli:api_latency_under_1s:ratio_rate5m', legend: 'under 1 s, 5m' },
            { expr: 'sli:api_latency_under_1s:ratio_rate1h', legend: 'under 1 s, 1h' },
          ],
          unit: 'percentunit',
        }),
      ],
    },
    {
      title: 'Traffic',
      panels: [
        timeseries({
          title: 'Request rate by route and status',
          queries: [
            {
              expr: `sum by (method, route, status_code) (rate(${HTTP}_count{${API}}[$__rate_interval]))`,
              legend: '{{method}} {{route}} {{status_code}}',
            },
          ],
          unit: 'reqps',
        }),
        timeseries({
          title: 'Latency p95 / p99 by route',
          description:
            'Exemplars on: a dot is one request; click it to open its trace in Jaeger. The dashed line is the 0.5 s latency objective.',
          queries: [
            { expr: quantile(0.95, 'route'), legend: 'p95 {{route}}', exemplar: true },
            { expr: quantile(0.99, 'route'), legend: 'p99 {{route}}', exemplar: true },
          ],
          unit: 's',
          sloLine: SLO_TARGETS.latencyP95Ms / 1000,
        }),
      ],
    },
    {
      title: 'Bookings',
      panels: [
        timeseries({
          title: 'Booking attempts by outcome',
          description: 'booked, quota_exhausted, duplicate, shed (429/503 from admission control), error.',
          queries: [
            {
              expr: 'sum by (outcome) (rate(mpaspor_booking_attempts_total{office=~"$office"}[$__rate_interval]))',
              legend: '{{outcome}}',
            },
          ],
          unit: 'reqps',
          stack: true,
        }),
        timeseries({
          title: 'Admission control: shed by reason',
          description:
            'Booking writes refused with 503 + Retry-After, by the signal that refused them: queue-delay (the database had a standing queue), database-time (its statements went slow: a unit of work would take too long), event-loop-delay (the process was short of CPU), in-flight (the hard cap). Hardened only.',
          queries: [
            {
              expr: 'sum by (reason) (rate(mpaspor_admission_shed_total[$__rate_interval]))',
              legend: '{{reason}}',
            },
          ],
          unit: 'reqps',
          stack: true,
        }),
        timeseries({
          title: 'Slot capacity vs taken by office',
          queries: [
            {
              expr: 'sum by (office) (mpaspor_slot_capacity{office=~"$office"})',
              legend: 'capacity {{office}}',
            },
            { expr: 'sum by (office) (mpaspor_slot_taken{office=~"$office"})', legend: 'taken {{office}}' },
          ],
        }),
        timeseries({
          title: 'Expired bookings',
          description: 'Bookings the sweeper expired unpaid.',
          queries: [
            { expr: 'sum(increase(mpaspor_bookings_expired_total[$__rate_interval]))', legend: 'expired' },
          ],
        }),
        timeseries({
          title: 'Invariant violations',
          description: 'Violations found by the last invariant check; anything above 0 is an incident.',
          queries: [{ expr: 'max by (invariant) (mpaspor_invariant_violations)', legend: '{{invariant}}' }],
          min: 0,
        }),
      ],
    },
    {
      title: 'Billing and payment codes',
      panels: [
        timeseries({
          title: 'Billing requests by outcome',
          queries: [
            {
              expr: 'sum by (outcome) (rate(mpaspor_billing_requests_total[$__rate_interval]))',
              legend: '{{outcome}}',
            },
          ],
          unit: 'reqps',
        }),
        timeseries({
          title: 'Billing latency p95 / p99',
          queries: [
            {
              expr: 'histogram_quantile(0.95, sum by (le) (rate(mpaspor_billing_request_duration_seconds_bucket[$__rate_interval])))',
              legend: 'p95',
              exemplar: true,
            },
            {
              expr: 'histogram_quantile(0.99, sum by (le) (rate(mpaspor_billing_request_duration_seconds_bucket[$__rate_interval])))',
              legend: 'p99',
              exemplar: true,
            },
          ],
          unit: 's',
        }),
        timeseries({
          title: 'Billing circuit',
          description: '0 closed, 1 half-open, 2 open.',
          queries: [{ expr: 'max(mpaspor_billing_circuit_state)', legend: 'state' }],
          min: 0,
          max: 2,
        }),
        timeseries({
          title: 'Payment codes pending',
          queries: [{ expr: 'sum(mpaspor_payment_codes_pending)', legend: 'pending' }],
        }),
        timeseries({
          title: 'Code issue latency p50 / p99',
          description: 'Seconds from a booking to its payment code; objective 99% within 30 s.',
          queries: [
            {
              expr: 'histogram_quantile(0.5, sum by (le) (rate(mpaspor_payment_code_issue_seconds_bucket[$__rate_interval])))',
              legend: 'p50',
              exemplar: true,
            },
            {
              expr: 'histogram_quantile(0.99, sum by (le) (rate(mpaspor_payment_code_issue_seconds_bucket[$__rate_interval])))',
              legend: 'p99',
              exemplar: true,
            },
          ],
          unit: 's',
          sloLine: SLO_TARGETS.paymentCodeSeconds,
        }),
        timeseries({
          title: 'Payment notices by outcome',
          queries: [
            {
              expr: 'sum by (outcome) (rate(mpaspor_payment_notices_total[$__rate_interval]))',
              legend: '{{outcome}}',
            },
          ],
          unit: 'reqps',
        }),
      ],
    },
    {
      title: 'Process',
      panels: [
        timeseries({
          title: 'Event-loop lag p99',
          queries: [{ expr: 'max by (job) (nodejs_eventloop_lag_p99_seconds)', legend: '{{job}}' }],
          unit: 's',
        }),
        timeseries({
          title: 'DB pool',
          description: 'Connections in the pool, idle ones, and requests queued for one.',
          queries: [
            { expr: 'sum(mpaspor_db_pool_size)', legend: 'size' },
            { expr: 'sum(mpaspor_db_pool_idle)', legend: 'idle' },
            { expr: 'sum(mpaspor_db_pool_waiting)', legend: 'waiting' },
          ],
        }),
      ],
    },
  ];
  const board = labDashboard('Booking API', 'paspor-booking-api')
    .description('M-Paspor booking API and billing simulator: SLOs, booking flow, billing, process health.')
    .tags(['paspor-lab', 'api'])
    .withVariable(labelVariable('office', 'Office', 'mpaspor_booking_attempts_total'))
    .annotation(runAnnotation('.*'))
    .link(dashboardLink('Load test', 'load'));
  return withRows(board, rows);
}
