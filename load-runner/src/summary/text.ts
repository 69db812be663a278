// The end-of-test summary for the terminal, in the layout of k6's default text summary.

import type { SummaryData, SummaryMetric } from './build.ts';
import type { GroupNode } from './groups.ts';

function formatTime(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)}ns`;
  if (ms < 1) return `${(ms * 1000).toFixed(2)}µs`;
  if (ms < 1000) return `${ms.toFixed(2)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${((ms - m * 60_000) / 1000).toFixed(1)}s`;
}

function formatData(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${i === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[i]}`;
}

function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function metricLine(metric: SummaryMetric, trendStats: string[]): string {
  const v = metric.values;
  const fmt = (x: number) =>
    metric.contains === 'time' ? formatTime(x) : metric.contains === 'data' ? formatData(x) : num(x);
  switch (metric.type) {
    case 'trend':
      return trendStats.map((s) => `${s}=${s === 'count' ? num(v[s] ?? 0) : fmt(v[s] ?? 0)}`).join(' ');
    case 'counter':
      return metric.contains === 'data'
        ? `${formatData(v.count ?? 0)} ${formatData(v.rate ?? 0)}/s`
        : `${num(v.count ?? 0)} ${(v.rate ?? 0).toFixed(6).replace(/\.?0+$/, '')}/s`;
    case 'rate':
      return `${((v.rate ?? 0) * 100).toFixed(2)}% ${num(v.passes ?? 0)} out of ${num((v.passes ?? 0) + (v.fails ?? 0))}`;
    case 'gauge':
      return `${fmt(v.value ?? 0)} min=${fmt(v.min ?? 0)} max=${fmt(v.max ?? 0)}`;
  }
}

function checkLines(group: GroupNode, indent: string, out: string[]): void {
  for (const check of group.checks) {
    const mark = check.fails === 0 ? '✓' : '✗';
    const detail =
      check.fails === 0
        ? ''
        : `\n${indent}  ↳  ${Math.round((check.passes / (check.passes + check.fails)) * 100)}% — ✓ ${check.passes} / ✗ ${check.fails}`;
    out.push(`${indent}${mark} ${check.name}${detail}`);
  }
  for (const sub of group.groups) {
    out.push(`${indent}█ ${sub.name}`, '');
    checkLines(sub, `${indent}  `, out);
    out.push('');
  }
}

export function textSummary(data: SummaryData): string {
  const out: string[] = [''];
  const health = data.state.runnerHealth;
  if (health?.saturated) {
    out.push(
      `  ⚠ RUNNER SATURATED (${health.reason}): the latency figures include the runner's own queueing and are not trustworthy`,
      '',
    );
  }
  const entries = Object.entries(data.metrics);
  const withThresholds = entries.filter(([, m]) => m.thresholds);
  if (withThresholds.length > 0) {
    out.push('  █ THRESHOLDS', '');
    for (const [name, metric] of withThresholds) {
      out.push(`    ${name}`);
      for (const [expr, { ok }] of Object.entries(metric.thresholds ?? {})) {
        const agg = expr.split(/[<>=!]/)[0]?.trim() ?? '';
        const value = metric.values[agg] ?? metric.values[agg === 'value' ? 'value' : 'rate'];
        const shown =
          value === undefined ? '' : ` ${agg}=${metric.contains === 'time' ? formatTime(value) : num(value)}`;
        out.push(`    ${ok ? '✓' : '✗'} '${expr}'${shown}`);
      }
      out.push('');
    }
  }
  out.push('  █ TOTAL RESULTS', '');
  const checks: string[] = [];
  checkLines(data.root_group, '    ', checks);
  if (checks.length > 0) out.push(...checks, '');
  const width = Math.max(30, ...entries.map(([name]) => name.length + 4));
  for (const [name, metric] of entries) {
    const label = name;
    out.push(
      `    ${label}${'.'.repeat(Math.max(2, width - label.length))}: ${metricLine(metric, data.options.summaryTrendStats)}`,
    );
  }
  out.push('', `  running (${formatTime(data.state.testRunDurationMs)})`, '');
  return out.join('\n');
}
