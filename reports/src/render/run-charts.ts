// The charts of one run (or of a baseline and a candidate side by side): latency against the SLO lines,
// booking outcomes, the wait for the kode billing, errors by class, seats taken and oversold slots, with
// the windows of injected faults shaded. Each is a ChartSpec for charts.ts; which appear depends on what
// the run folder holds, and a chart with no data says so rather than vanishing.

import type { FaultWindow } from '../faults.ts';
import type { Translator } from '../i18n/index.ts';
import { officeName, parseSlotExample } from '../journeys.ts';
import type { RunFolder } from '../run-folder.ts';
import type { SloTargets } from '../slo.ts';
import {
  counterLabels,
  counterSeries,
  labelledIncrease,
  latencySeries,
  paymentCodeWaitSeries,
  type XY,
} from '../timeseries.ts';
import { type Band, barChartSvg, type ChartSeries, type ChartSpec, lineChartSvg } from './charts.ts';
import { escapeHtml as e } from './escape.ts';

export const PALETTE = {
  p50: '#54aeff',
  p95: '#0969da',
  p99: '#0a3069',
  base50: '#c9ced4',
  base95: '#8c959f',
  base99: '#57606a',
  bad: '#cf222e',
  warn: '#bf8700',
  ok: '#1a7f37',
  purple: '#8250df',
  grey: '#8c959f',
};

/** Booking outcomes in the order they stack, each with a colour that says good, correct-no, or bad. */
const OUTCOME_COLORS: Record<string, string> = {
  booked: '#1a7f37',
  quota_exhausted: '#54aeff',
  duplicate: '#8250df',
  rejected: '#bf8700',
  shed: '#d4a72c',
  error: '#cf222e',
};

export interface RunSide {
  /** Shown in legends when two runs share a chart ("baseline", "candidate"); null for a single run. */
  role: 'baseline' | 'candidate' | null;
  folder: RunFolder;
  faults: FaultWindow[];
}

function bands(tr: Translator, faults: FaultWindow[]): Band[] {
  return faults.map((f) => ({
    x0: f.fromSecond,
    x1: f.toSecond,
    label: tr.t('chart.faultWindow', { kind: f.kind }),
  }));
}

function prefixed(tr: Translator, side: RunSide, label: string): string {
  return side.role ? `${tr.t(`series.${side.role}`)} ${label}` : label;
}

const SERVER_STATUS = 'http_server_request_duration_seconds_count';
const OUTCOMES = 'mpaspor_booking_attempts_total';

/** p50 (one run only), p95 and p99 of each side: the baseline dashed in greys, the candidate in blues. */
function percentileSeries(
  tr: Translator,
  sides: RunSide[],
  pick: (side: RunSide) => { p50: XY[]; p95: XY[]; p99: XY[] },
): ChartSeries[] {
  const series: ChartSeries[] = [];
  for (const side of sides) {
    const l = pick(side);
    const base = side.role === 'baseline';
    if (sides.length === 1) series.push({ label: 'p50', points: l.p50, color: PALETTE.p50 });
    series.push(
      {
        label: prefixed(tr, side, 'p95'),
        points: l.p95,
        color: base ? PALETTE.base95 : PALETTE.p95,
        dashed: base,
      },
      {
        label: prefixed(tr, side, 'p99'),
        points: l.p99,
        color: base ? PALETTE.base99 : PALETTE.p99,
        dashed: base,
      },
    );
  }
  return series;
}

function latencyChart(tr: Translator, sides: RunSide[], targets: SloTargets, common: Common): ChartSpec {
  const series = percentileSeries(tr, sides, (side) => latencySeries(side.folder.timeseries));
  return {
    ...common,
    title: tr.t('chart.latencySlo'),
    series,
    formatY: (v) => tr.number(v, 0),
    refLines: [
      {
        y: targets.latencyP95Ms,
        label: tr.t('chart.sloLine', { value: `p95 ${targets.latencyP95Ms} ms` }),
        color: PALETTE.warn,
      },
      {
        y: targets.latencyP99Ms,
        label: tr.t('chart.sloLine', { value: `p99 ${targets.latencyP99Ms} ms` }),
        color: PALETTE.bad,
      },
    ],
  };
}

function outcomesChart(tr: Translator, side: RunSide, common: Common): ChartSpec {
  const server = side.folder.server;
  const labels = counterLabels(server, OUTCOMES);
  const order = Object.keys(OUTCOME_COLORS);
  labels.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  return {
    ...common,
    title: side.role ? `${tr.t('chart.outcomes')} · ${tr.t(`series.${side.role}`)}` : tr.t('chart.outcomes'),
    stacked: true,
    series: labels.map((label) => ({
      label: tr.has(`outcome.${label}`) ? tr.t(`outcome.${label}` as 'outcome.booked') : label,
      points: labelledIncrease(server, OUTCOMES, (l) => l === label),
      color: OUTCOME_COLORS[label] ?? PALETTE.grey,
    })),
    formatY: (v) => tr.number(v, 0),
  };
}

function codeWaitChart(tr: Translator, sides: RunSide[], targets: SloTargets, common: Common): ChartSpec {
  const series = percentileSeries(tr, sides, (side) => paymentCodeWaitSeries(side.folder.timeseries));
  return {
    ...common,
    title: tr.t('chart.codeWait'),
    series,
    formatY: (v) => tr.number(v, 1),
    refLines: [
      {
        y: targets.paymentCodeSeconds,
        label: tr.t('chart.sloLine', { value: `${targets.paymentCodeSeconds} ${tr.t('unit.s')}` }),
      },
    ],
  };
}

function errorsChart(tr: Translator, side: RunSide, common: Common): ChartSpec {
  const server = side.folder.server;
  const status = (pick: (code: number) => boolean) =>
    labelledIncrease(server, SERVER_STATUS, (label) => pick(Number(label)));
  const timeouts: XY[] = counterSeries(side.folder.timeseries, 'request_timeouts');
  return {
    ...common,
    title: side.role
      ? `${tr.t('chart.errorClasses')} · ${tr.t(`series.${side.role}`)}`
      : tr.t('chart.errorClasses'),
    stacked: true,
    series: [
      { label: tr.t('errorClass.5xx'), points: status((c) => c >= 500 && c !== 503), color: PALETTE.bad },
      { label: tr.t('errorClass.timeout'), points: timeouts, color: '#82071e' },
      { label: tr.t('errorClass.shed'), points: status((c) => c === 429 || c === 503), color: PALETTE.warn },
      {
        label: tr.t('errorClass.4xx'),
        points: status((c) => c >= 400 && c < 500 && c !== 409 && c !== 429),
        color: PALETTE.purple,
      },
    ].filter((s, i) => i === 0 || s.points.some((p) => p.y > 0)),
    formatY: (v) => tr.number(v, 0),
  };
}

function seatsChart(tr: Translator, sides: RunSide[], common: Common): ChartSpec {
  const series: ChartSeries[] = sides.map((side) => {
    const server = side.folder.server.filter((s) => s.error === null);
    const first =
      server.find((s) => s.values.mpaspor_slot_taken !== undefined)?.values.mpaspor_slot_taken ?? 0;
    return {
      label: side.role ? tr.t(`series.${side.role}`) : tr.t('chart.given'),
      points: server
        .filter((s) => s.values.mpaspor_slot_taken !== undefined)
        .map((s, i) => ({ x: s.second ?? i, y: (s.values.mpaspor_slot_taken ?? 0) - first })),
      color: side.role === 'baseline' ? PALETTE.base95 : PALETTE.p95,
      ...(side.role === 'baseline' ? { dashed: true } : {}),
    };
  });
  return { ...common, title: tr.t('chart.seatsTaken'), series, formatY: (v) => tr.number(v, 0) };
}

/** Oversold slots from the invariant's examples: what each slot gave against what it had. */
function oversoldChart(tr: Translator, side: RunSide): string | null {
  const examples =
    side.folder.invariants?.invariants.find((i) => i.name === 'slot-over-capacity')?.examples ?? [];
  const slots = examples.map(parseSlotExample).filter((s) => s !== null);
  if (slots.length === 0) return null;
  const categories = slots.map(
    (s) =>
      `${officeName(s.office).replace(/^Kantor Imigrasi /, '')} ${tr.date(s.date)} ${s.session.toLowerCase()}`,
  );
  const title = side.role
    ? `${tr.t('chart.oversold')} · ${tr.t(`series.${side.role}`)}`
    : tr.t('chart.oversold');
  return figure(
    title,
    barChartSvg({
      title,
      categories,
      noData: tr.t('chart.noData'),
      groups: [
        { label: tr.t('chart.capacity'), color: PALETTE.base95, values: slots.map((s) => s.capacity) },
        { label: tr.t('chart.given'), color: PALETTE.bad, values: slots.map((s) => s.given) },
      ],
      formatY: (v) => tr.number(v, 0),
    }),
  );
}

type Common = Pick<ChartSpec, 'xLabel' | 'noData' | 'bands'>;

function figure(title: string, svg: string): string {
  return `<figure class="chart-figure"><figcaption>${e(title)}</figcaption>${svg}</figure>`;
}

/**
 * Every chart of the run(s), as HTML figures. Charts of one kind of data per run (outcomes, errors) are
 * drawn once per side; comparable figures (latency, code wait, seats) share one chart.
 */
export function runCharts(tr: Translator, sides: RunSide[], targets: SloTargets): string[] {
  const faults = sides.flatMap((s) => s.faults);
  const common: Common = {
    xLabel: tr.t('chart.xAxis'),
    noData: tr.t('chart.noData'),
    bands: bands(tr, faults),
  };
  const specs: ChartSpec[] = [latencyChart(tr, sides, targets, common)];
  const own = (side: RunSide): Common => ({ ...common, bands: bands(tr, side.faults) });
  for (const side of sides) specs.push(outcomesChart(tr, side, own(side)));
  const hasCodes = sides.some((s) => s.folder.timeseries.some((p) => p.metric === 'payment_code_wait'));
  if (hasCodes) specs.push(codeWaitChart(tr, sides, targets, common));
  for (const side of sides) specs.push(errorsChart(tr, side, own(side)));
  specs.push(seatsChart(tr, sides, common));
  const out = specs.map((spec) => figure(spec.title, lineChartSvg(spec)));
  for (const side of sides) {
    const oversold = oversoldChart(tr, side);
    if (oversold) out.push(oversold);
  }
  return out;
}
