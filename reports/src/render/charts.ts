// Charts as inline SVG strings (inside HTML an <svg> needs no xmlns), so report.html needs no script and
// no network. d3-scale picks the domains and the "nice" ticks; d3-shape draws lines, stacked areas and
// symbols. Every chart carries data-points (how many values it drew) so a test can tell an empty frame
// from a chart.
import { scaleBand, scaleLinear } from 'd3-scale';
import { area, line, type SeriesPoint, stack, symbol, symbolCircle } from 'd3-shape';
import type { XY } from '../timeseries.ts';
import { escapeHtml as e } from './escape.ts';

export interface ChartSeries {
  label: string;
  points: XY[];
  color: string;
  dashed?: boolean;
}

/** A horizontal line: an SLO limit, a capacity. */
export interface RefLine {
  y: number;
  label: string;
  color?: string;
}

/** A shaded stretch of the x axis: a window in which a fault was injected. */
export interface Band {
  x0: number;
  x1: number;
  label: string;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  series: ChartSeries[];
  noData: string;
  formatY?: (value: number) => string;
  refLines?: RefLine[];
  bands?: Band[];
  /** Series drawn as areas stacked on one another (outcomes that add up to a whole). */
  stacked?: boolean;
  /** 'data': the y axis starts near the lowest value rather than 0 (a share that lives near 100%). */
  yFrom?: 'zero' | 'data';
  /** The top of the y axis at most this (a share never passes 100%). */
  yCap?: number;
  width?: number;
  height?: number;
}

const MARGIN = { top: 34, right: 18, bottom: 40, left: 62 };
const FONT_PX = 6.4; // average glyph width of the 11 px legend font, for laying the legend out

export function hasData(series: ChartSeries[]): boolean {
  return series.some((s) => s.points.length > 0);
}

function emptyChart(title: string, noData: string, width: number): string {
  return `<svg class="chart chart-empty" data-points="0" role="img" viewBox="0 0 ${width} 60" width="${width}" height="60"><title>${e(title)}</title><text x="8" y="34" class="chart-empty">${e(noData)}</text></svg>`;
}

/** Legend entries left to right, wrapping onto a new row when the next would pass the right edge. */
function legend(
  entries: Array<{ label: string; color: string; dashed?: boolean; box?: boolean }>,
  width: number,
) {
  const parts: string[] = [];
  let x = MARGIN.left;
  let y = 12;
  for (const entry of entries) {
    const w = 30 + entry.label.length * FONT_PX;
    if (x + w > width - MARGIN.right && x > MARGIN.left) {
      x = MARGIN.left;
      y += 15;
    }
    const dash = entry.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      entry.box
        ? `<rect x="${x}" y="${y - 5}" width="18" height="10" fill="${entry.color}" opacity="0.35"/>`
        : `<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${entry.color}" stroke-width="2.5"${dash}/>`,
      `<text class="legend" x="${x + 22}" y="${y}" dominant-baseline="middle">${e(entry.label)}</text>`,
    );
    x += w;
  }
  return { svg: parts.join(''), bottom: y + 10 };
}

function yAxis(
  y: ReturnType<typeof scaleLinear<number, number>>,
  width: number,
  format: (v: number) => string,
) {
  return y
    .ticks(5)
    .map((tick) => {
      const py = y(tick).toFixed(1);
      return `<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${py}" y2="${py}"/><text class="tick" x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${e(format(tick))}</text>`;
    })
    .join('');
}

/** Per-second charts: lines (or stacked areas), SLO lines, fault windows shaded. */
export function lineChartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 940;
  const drawn = spec.series.filter((s) => s.points.length > 0);
  if (drawn.length === 0) return emptyChart(spec.title, spec.noData, width);
  const entries = [
    ...drawn.map((s) => ({ label: s.label, color: s.color, ...(s.dashed ? { dashed: true } : {}) })),
    ...(spec.refLines ?? []).map((r) => ({ label: r.label, color: r.color ?? '#cf222e', dashed: true })),
    ...[...new Set((spec.bands ?? []).map((b) => b.label))].map((label) => ({
      label,
      color: '#d4a72c',
      box: true,
    })),
  ];
  const lg = legend(entries, width);
  const top = Math.max(MARGIN.top, lg.bottom + 6);
  const height = (spec.height ?? 250) + (top - MARGIN.top);

  const xs = drawn.flatMap((s) => s.points.map((p) => p.x));
  const xMin = Math.min(...xs, ...(spec.bands ?? []).map((b) => b.x0));
  const xMax = Math.max(...xs, ...(spec.bands ?? []).map((b) => b.x1));
  // Stacked series are summed per x before the domain is taken.
  const seconds = [...new Set(xs)].sort((a, b) => a - b);
  const stacked = spec.stacked
    ? stack<Map<string, number>, string>()
        .keys(drawn.map((s) => s.label))
        .value((row, key) => row.get(key) ?? 0)(
        seconds.map((x) => {
          const row = new Map<string, number>();
          row.set('__x', x);
          for (const s of drawn) row.set(s.label, s.points.find((p) => p.x === x)?.y ?? 0);
          return row;
        }),
      )
    : null;
  let yMax = Math.max(
    ...(stacked
      ? stacked.flatMap((layer) => layer.map((d) => d[1]))
      : drawn.flatMap((s) => s.points.map((p) => p.y))),
    ...(spec.refLines ?? []).map((r) => r.y * 1.08),
  );
  const x = scaleLinear()
    .domain([xMin, xMax > xMin ? xMax : xMin + 1])
    .range([MARGIN.left, width - MARGIN.right])
    .nice();
  if (spec.yCap !== undefined) yMax = Math.min(yMax, spec.yCap);
  const lows = [...drawn.flatMap((s) => s.points.map((p) => p.y)), ...(spec.refLines ?? []).map((r) => r.y)];
  const yLow = Math.min(...lows);
  const yMin =
    spec.yFrom === 'data' && !stacked ? Math.max(0, yLow - (yMax - yLow) * 0.15 || yLow * 0.99) : 0;
  const y = scaleLinear()
    .domain([yMin, yMax > yMin ? yMax : yMin + 1])
    .range([height - MARGIN.bottom, top])
    .nice();
  const formatY = spec.formatY ?? y.tickFormat(5);
  const parts: string[] = [];
  for (const band of spec.bands ?? []) {
    const x0 = x(band.x0);
    const w = Math.max(2, x(band.x1) - x0);
    parts.push(
      `<rect class="fault" x="${x0.toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${height - MARGIN.bottom - top}" fill="#d4a72c" opacity="0.18"><title>${e(band.label)}</title></rect>`,
    );
  }
  parts.push(yAxis(y, width, formatY));
  // x is whole seconds: a run of two seconds gets ticks 0, 1, 2, not 0.1, 0.2...
  const [x0 = 0, x1 = 1] = x.domain();
  const xCount = Math.max(1, Math.min(10, Math.round(x1 - x0)));
  const formatX = x.tickFormat(xCount);
  for (const tick of x.ticks(xCount).filter((t) => Number.isInteger(t))) {
    const px = x(tick).toFixed(1);
    parts.push(
      `<line class="axis" x1="${px}" x2="${px}" y1="${height - MARGIN.bottom}" y2="${height - MARGIN.bottom + 4}"/>`,
      `<text class="tick" x="${px}" y="${height - MARGIN.bottom + 16}" text-anchor="middle">${e(formatX(tick))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${height - MARGIN.bottom}" y2="${height - MARGIN.bottom}"/>`,
    `<text class="axis-label" x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 6}" text-anchor="middle">${e(spec.xLabel)}</text>`,
  );
  let points = 0;
  if (stacked) {
    const shape = area<SeriesPoint<Map<string, number>>>()
      .x((d) => x(d.data.get('__x') ?? 0))
      .y0((d) => y(d[0]))
      .y1((d) => y(d[1]));
    stacked.forEach((layer, i) => {
      const s = drawn[i];
      if (!s) return;
      points += s.points.length;
      parts.push(
        `<path class="series area" d="${shape(layer) ?? ''}" fill="${s.color}" fill-opacity="0.75" stroke="${s.color}" stroke-width="0.8"><title>${e(s.label)}</title></path>`,
      );
    });
  } else {
    const path = line<XY>()
      .x((p) => x(p.x))
      .y((p) => y(p.y));
    const dot = symbol(symbolCircle, 14)() ?? '';
    for (const s of drawn) {
      const sorted = [...s.points].sort((a, b) => a.x - b.x);
      points += sorted.length;
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
      parts.push(
        `<path class="series" d="${path(sorted) ?? ''}" fill="none" stroke="${s.color}" stroke-width="1.8"${dash}><title>${e(s.label)}</title></path>`,
      );
      // A lone point draws no line, and a few points are runs a reader counts: mark each.
      if (sorted.length <= 12) {
        for (const p of sorted) {
          parts.push(
            `<path d="${dot}" transform="translate(${x(p.x).toFixed(1)},${y(p.y).toFixed(1)})" fill="${s.color}"/>`,
          );
        }
      }
    }
  }
  for (const ref of spec.refLines ?? []) {
    const py = y(ref.y).toFixed(1);
    parts.push(
      `<line class="slo" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${py}" y2="${py}" stroke="${ref.color ?? '#cf222e'}" stroke-width="1.4" stroke-dasharray="5 3"><title>${e(ref.label)}</title></line>`,
    );
  }
  return `<svg class="chart" data-points="${points}" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${e(spec.title)}</title>${lg.svg}${parts.join('')}</svg>`;
}

export interface BarGroup {
  label: string;
  color: string;
  values: number[];
}

/** Grouped bars over named categories (oversold slots: seats given beside capacity). */
export function barChartSvg(spec: {
  title: string;
  categories: string[];
  groups: BarGroup[];
  noData: string;
  formatY?: (value: number) => string;
  width?: number;
  height?: number;
}): string {
  const width = spec.width ?? 940;
  if (spec.categories.length === 0 || spec.groups.length === 0)
    return emptyChart(spec.title, spec.noData, width);
  const lg = legend(
    spec.groups.map((g) => ({ label: g.label, color: g.color, box: true })),
    width,
  );
  const top = Math.max(MARGIN.top, lg.bottom + 6);
  const height = (spec.height ?? 240) + (top - MARGIN.top);
  const bottom = MARGIN.bottom + 20; // category labels are long: "12 Jan · PAGI"
  const x = scaleBand<string>()
    .domain(spec.categories)
    .range([MARGIN.left, width - MARGIN.right])
    .padding(0.25);
  const inner = scaleBand<string>()
    .domain(spec.groups.map((g) => g.label))
    .range([0, x.bandwidth()])
    .padding(0.08);
  const yMax = Math.max(1, ...spec.groups.flatMap((g) => g.values));
  const y = scaleLinear()
    .domain([0, yMax])
    .range([height - bottom, top])
    .nice();
  const parts: string[] = [yAxis(y, width, spec.formatY ?? y.tickFormat(5))];
  let points = 0;
  for (const group of spec.groups) {
    group.values.forEach((value, i) => {
      const cat = spec.categories[i];
      if (cat === undefined) return;
      points += 1;
      const bx = (x(cat) ?? 0) + (inner(group.label) ?? 0);
      parts.push(
        `<rect class="bar" x="${bx.toFixed(1)}" y="${y(value).toFixed(1)}" width="${inner.bandwidth().toFixed(1)}" height="${(y(0) - y(value)).toFixed(1)}" fill="${group.color}"><title>${e(`${cat}: ${group.label} ${value}`)}</title></rect>`,
      );
    });
  }
  for (const cat of spec.categories) {
    const cx = (x(cat) ?? 0) + x.bandwidth() / 2;
    parts.push(
      `<text class="tick" x="${cx.toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${e(cat)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(0)}" y2="${y(0)}"/>`,
  );
  return `<svg class="chart" data-points="${points}" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${e(spec.title)}</title>${lg.svg}${parts.join('')}</svg>`;
}

/** One dot per run, one column per side, with the objective as a line: the evidence the statistics weigh. */
export function stripChartSvg(spec: {
  title: string;
  groups: Array<{ label: string; color: string; values: Array<number | null> }>;
  refLines?: RefLine[];
  noData: string;
  formatY?: (value: number) => string;
  width?: number;
  height?: number;
}): string {
  const width = spec.width ?? 360;
  const values = spec.groups.flatMap((g) => g.values.filter((v): v is number => v !== null));
  if (values.length === 0) return emptyChart(spec.title, spec.noData, width);
  const height = spec.height ?? 220;
  const top = 18;
  const x = scaleBand<string>()
    .domain(spec.groups.map((g) => g.label))
    .range([MARGIN.left, width - MARGIN.right])
    .padding(0.3);
  const lo = Math.min(...values, ...(spec.refLines ?? []).map((r) => r.y));
  const hi = Math.max(...values, ...(spec.refLines ?? []).map((r) => r.y));
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
  const y = scaleLinear()
    .domain([lo - pad, hi + pad])
    .range([height - 30, top])
    .nice();
  const parts: string[] = [yAxis(y, width, spec.formatY ?? y.tickFormat(5))];
  const dot = symbol(symbolCircle, 40)() ?? '';
  let points = 0;
  for (const group of spec.groups) {
    const cx = (x(group.label) ?? 0) + x.bandwidth() / 2;
    const present = group.values.filter((v): v is number => v !== null);
    present.forEach((v, i) => {
      points += 1;
      // Spread equal values sideways so five identical runs show as five dots.
      const dx = (i - (present.length - 1) / 2) * Math.min(9, x.bandwidth() / Math.max(1, present.length));
      parts.push(
        `<path class="dot" d="${dot}" transform="translate(${(cx + dx).toFixed(1)},${y(v).toFixed(1)})" fill="${group.color}" fill-opacity="0.85"><title>${e(`${group.label}: ${spec.formatY ? spec.formatY(v) : v}`)}</title></path>`,
      );
    });
    parts.push(
      `<text class="tick" x="${cx.toFixed(1)}" y="${height - 12}" text-anchor="middle">${e(group.label)}</text>`,
    );
  }
  for (const ref of spec.refLines ?? []) {
    const py = y(ref.y).toFixed(1);
    parts.push(
      `<line class="slo" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${py}" y2="${py}" stroke="${ref.color ?? '#cf222e'}" stroke-width="1.4" stroke-dasharray="5 3"><title>${e(ref.label)}</title></line>`,
    );
  }
  return `<svg class="chart strip" data-points="${points}" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${e(spec.title)}</title>${parts.join('')}</svg>`;
}
