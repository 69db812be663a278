// Line charts as inline SVG strings (inside HTML an <svg> needs no xmlns), so report.html needs no script
// and no network. d3-scale picks the domains and the "nice" ticks; d3-shape draws the paths.
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import type { XY } from '../timeseries.ts';
import { escapeHtml } from './escape.ts';

export interface ChartSeries {
  label: string;
  points: XY[];
  color: string;
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  series: ChartSeries[];
  noData: string;
  formatY?: (value: number) => string;
  width?: number;
  height?: number;
}

const MARGIN = { top: 30, right: 16, bottom: 40, left: 60 };

export function hasData(series: ChartSeries[]): boolean {
  return series.some((s) => s.points.length > 0);
}

export function lineChartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 260;
  const title = escapeHtml(spec.title);
  const drawn = spec.series.filter((s) => s.points.length > 0);
  if (drawn.length === 0) {
    return `<svg class="chart" role="img" viewBox="0 0 ${width} 60" width="${width}" height="60"><title>${title}</title><text x="8" y="34" class="chart-empty">${escapeHtml(spec.noData)}</text></svg>`;
  }
  const all = drawn.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMax = Math.max(...ys);
  // A flat series (one point, or all zero) still needs a non-empty domain to place ticks.
  const x = scaleLinear()
    .domain([xMin, xMax > xMin ? xMax : xMin + 1])
    .range([MARGIN.left, width - MARGIN.right])
    .nice();
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax : 1])
    .range([height - MARGIN.bottom, MARGIN.top])
    .nice();
  const formatY = spec.formatY ?? y.tickFormat(5);

  const parts: string[] = [];
  for (const tick of y.ticks(5)) {
    const py = y(tick).toFixed(1);
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${py}" y2="${py}"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatY(tick))}</text>`,
    );
  }
  // x is whole seconds: a run of two seconds gets ticks 0, 1, 2, not 0.1, 0.2...
  const [x0 = 0, x1 = 1] = x.domain();
  const xCount = Math.max(1, Math.min(8, Math.round(x1 - x0)));
  const xTicks = x.ticks(xCount).filter((t) => Number.isInteger(t));
  const formatX = x.tickFormat(xCount);
  for (const tick of xTicks) {
    const px = x(tick).toFixed(1);
    parts.push(
      `<line class="axis" x1="${px}" x2="${px}" y1="${height - MARGIN.bottom}" y2="${height - MARGIN.bottom + 4}"/>`,
      `<text class="tick" x="${px}" y="${height - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(formatX(tick))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${height - MARGIN.bottom}" y2="${height - MARGIN.bottom}"/>`,
    `<text class="axis-label" x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
  );

  const path = line<XY>()
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  let legendX = MARGIN.left;
  for (const s of drawn) {
    const d = path([...s.points].sort((a, b) => a.x - b.x)) ?? '';
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<path class="series" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${dash}><title>${escapeHtml(s.label)}</title></path>`,
    );
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="12" y2="12" stroke="${s.color}" stroke-width="2.5"${dash}/>`,
      `<text class="legend" x="${legendX + 22}" y="12" dominant-baseline="middle">${escapeHtml(s.label)}</text>`,
    );
    legendX += 30 + s.label.length * 7;
  }
  return `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${title}</title>${parts.join('')}</svg>`;
}
