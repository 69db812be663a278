// One frame of the live page: the headline figures and the charts of every second so far, drawn on the
// server with the report's own chart code (reports/), so the page needs no script library and the live
// charts look like the report's. The page replaces the whole frame each second.
import { SLO_TARGETS } from '@paspor-lab/load-scenarios/slo';
import { type ChartSeries, type ChartSpec, lineChartSvg } from '@paspor-lab/reports';
import type { AlertsPanel } from './alerts.ts';
import type { ErrorClasses, LiveSecond } from './collector.ts';

export interface RunEnd {
  /** The verdict in one sentence, as the terminal prints it. */
  verdict: string;
  passed: boolean;
  /** Where the page server serves report.html; null when the run wrote none. */
  report: string | null;
  /** The run folder; null when the run failed before it had one. */
  folder: string | null;
}

export interface Figure {
  id: string;
  label: string;
  value: string;
}

export interface Frame {
  title: string;
  state: 'starting' | 'running' | 'ended';
  /** The run's last step ("starting the billing simulator and the API"). */
  note: string;
  figures: Figure[];
  charts: Array<{ id: string; title: string; svg: string }>;
  alerts: AlertsPanel;
  end: RunEnd | null;
}

export interface FrameInput {
  title: string;
  state: Frame['state'];
  note: string;
  history: readonly LiveSecond[];
  /** The runner's progress: elapsed and planned time of the load, when it reported. */
  progress: { elapsedMs: number; totalMs: number | null } | null;
  alerts: AlertsPanel;
  end: RunEnd | null;
}

const COLORS = { p50: '#54aeff', p95: '#0969da', p99: '#0a3069', warn: '#bf8700', bad: '#cf222e' };

const ERROR_SERIES: Array<{ key: keyof ErrorClasses; label: string; color: string }> = [
  { key: 'serverError', label: '5xx answers', color: '#cf222e' },
  { key: 'noAnswer', label: 'no answer (timeout, refused)', color: '#82071e' },
  { key: 'shed', label: 'shed 429/503', color: '#bf8700' },
  { key: 'client', label: 'other 4xx (not 409)', color: '#8250df' },
];

const integer = (v: number) => Math.round(v).toLocaleString('en-US');
const seconds = (ms: number) => `${Math.floor(ms / 1000)} s`;

function charts(history: readonly LiveSecond[]): Frame['charts'] {
  const common = { xLabel: 'seconds since the load began', noData: 'no data yet', width: 620, height: 210 };
  const points = (pick: (s: LiveSecond) => number | null | undefined) =>
    history.flatMap((s) => {
      const y = pick(s);
      return y === null || y === undefined ? [] : [{ x: s.second, y }];
    });
  const line = (label: string, color: string, pick: (s: LiveSecond) => number | null | undefined) =>
    ({ label, color, points: points(pick) }) satisfies ChartSeries;
  const specs: Array<{ id: string } & ChartSpec> = [
    {
      ...common,
      id: 'rate',
      title: 'Requests per second',
      series: [
        line('HTTP requests', COLORS.p95, (s) => s.requests),
        line('iterations', COLORS.p50, (s) => s.iterations),
      ],
      formatY: integer,
    },
    {
      ...common,
      id: 'latency',
      title: 'Booking latency (POST /v1/bookings), ms, against the SLO',
      series: [
        line('p50', COLORS.p50, (s) => s.booking?.p50),
        line('p95', COLORS.p95, (s) => s.booking?.p95),
        line('p99', COLORS.p99, (s) => s.booking?.p99),
      ],
      refLines: [
        { y: SLO_TARGETS.latencyP95Ms, label: `SLO p95 ${SLO_TARGETS.latencyP95Ms} ms`, color: COLORS.warn },
        { y: SLO_TARGETS.latencyP99Ms, label: `SLO p99 ${SLO_TARGETS.latencyP99Ms} ms`, color: COLORS.bad },
      ],
      formatY: integer,
    },
    {
      ...common,
      id: 'errors',
      title: 'Errors by class, per second',
      stacked: true,
      // The first class always, the others once they happened: an empty legend entry is noise.
      series: ERROR_SERIES.map(({ key, label, color }) => line(label, color, (s) => s.errors[key])).filter(
        (s, i) => i === 0 || s.points.some((p) => p.y > 0),
      ),
      formatY: integer,
    },
    {
      ...common,
      id: 'vus',
      title: 'Virtual users',
      series: [line('VUs', COLORS.p95, (s) => s.vus)],
      formatY: integer,
    },
    {
      ...common,
      id: 'seats',
      title: 'Seats left in the released window',
      series: [line('seats left', COLORS.p99, (s) => s.seatsLeft)],
      formatY: integer,
    },
  ];
  return specs.map(({ id, ...spec }) => ({ id, title: spec.title, svg: lineChartSvg(spec) }));
}

function figures(input: FrameInput): Figure[] {
  const { history, progress } = input;
  const last = history.at(-1);
  const lastBooking = [...history].reverse().find((s) => s.booking !== null)?.booking ?? null;
  const total = (pick: (s: LiveSecond) => number) => history.reduce((sum, s) => sum + pick(s), 0);
  const errors = total((s) => s.errors.serverError + s.errors.noAnswer + s.errors.shed + s.errors.client);
  const elapsed = progress ? progress.elapsedMs : history.length * 1000;
  return [
    {
      id: 'elapsed',
      label: 'load time',
      value: progress?.totalMs ? `${seconds(elapsed)} of ${seconds(progress.totalMs)}` : seconds(elapsed),
    },
    { id: 'requests', label: 'requests', value: integer(total((s) => s.requests)) },
    { id: 'rate', label: 'requests/s (last second)', value: integer(last?.requests ?? 0) },
    {
      id: 'p95',
      label: `booking p95 (SLO ${SLO_TARGETS.latencyP95Ms} ms)`,
      value: lastBooking ? `${integer(lastBooking.p95)} ms` : '-',
    },
    { id: 'errors', label: 'errors', value: integer(errors) },
    {
      id: 'vus',
      label: 'VUs',
      value: last?.vus === null || last?.vus === undefined ? '-' : integer(last.vus),
    },
    {
      id: 'seats',
      label: 'seats left',
      value: last?.seatsLeft === null || last?.seatsLeft === undefined ? '-' : integer(last.seatsLeft),
    },
  ];
}

export function buildFrame(input: FrameInput): Frame {
  return {
    title: input.title,
    state: input.state,
    note: input.note,
    figures: figures(input),
    charts: charts(input.history),
    alerts: input.alerts,
    end: input.end,
  };
}
