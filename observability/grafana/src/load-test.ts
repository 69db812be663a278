// The "Load test" dashboard: the load runner's live metrics (k6 remote-write names), one test at a time
// or several side by side through the testid variable; each run and each injected fault is annotated.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  dashboardLink,
  labDashboard,
  labelVariable,
  type Row,
  runAnnotation,
  timeseries,
  withRows,
} from './common.ts';

const T = 'testid=~"$testid"';

export function loadTestDashboard(): Dashboard {
  const rows: Row[] = [
    {
      title: 'Load',
      panels: [
        timeseries({
          title: 'Virtual users',
          queries: [{ expr: `sum by (testid) (k6_vus{${T}})`, legend: '{{testid}}' }],
        }),
        timeseries({
          title: 'Request rate',
          queries: [
            {
              expr: `sum by (testid, name) (rate(k6_http_reqs_total{${T}}[$__rate_interval]))`,
              legend: '{{testid}} {{name}}',
            },
          ],
          unit: 'reqps',
        }),
        timeseries({
          title: 'Dropped iterations',
          description:
            'Iterations an arrival-rate executor could not start (no free VU): the target is slower than the offered load.',
          queries: [
            {
              expr: `sum by (testid) (rate(k6_dropped_iterations_total{${T}}[$__rate_interval]))`,
              legend: '{{testid}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'Results',
      panels: [
        timeseries({
          title: 'http_req_duration p95 / p99',
          description: 'Cumulative since the start of the test, as the runner computes them.',
          queries: [
            {
              expr: `max by (testid, name) (k6_http_req_duration_p95{${T}})`,
              legend: 'p95 {{testid}} {{name}}',
            },
            {
              expr: `max by (testid, name) (k6_http_req_duration_p99{${T}})`,
              legend: 'p99 {{testid}} {{name}}',
            },
          ],
          unit: 's',
        }),
        timeseries({
          title: 'Failed request rate',
          queries: [{ expr: `avg by (testid) (k6_http_req_failed_rate{${T}})`, legend: '{{testid}}' }],
          unit: 'percentunit',
        }),
        timeseries({
          title: 'Checks passed',
          queries: [
            { expr: `avg by (testid, check) (k6_checks_rate{${T}})`, legend: '{{testid}} {{check}}' },
          ],
          unit: 'percentunit',
        }),
      ],
    },
  ];
  const board = labDashboard('Load test', 'paspor-load-test')
    .description('Load runner (k6-compatible) live metrics by testid.')
    .tags(['paspor-lab', 'load'])
    .withVariable(labelVariable('testid', 'Test id', 'k6_http_reqs_total'))
    .annotation(runAnnotation('$testid'))
    .link(dashboardLink('Booking API', 'api'));
  return withRows(board, rows);
}
