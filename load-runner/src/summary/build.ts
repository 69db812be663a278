// The summary in k6's handleSummary data shape, and k6's legacy --summary-export shape derived from it.

import type { RunnerHealthState } from '../health.ts';
import type { Metric, MetricRegistry, Submetric } from '../metrics/registry.ts';
import { CounterSink, GaugeSink, RateSink, type Sink, TrendSink } from '../metrics/sinks.ts';
import type { Threshold } from '../thresholds.ts';
import type { GroupNode } from './groups.ts';

export interface SummaryMetric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  root_group: GroupNode;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: {
    isStdOutTTY: boolean;
    isStdErrTTY: boolean;
    testRunDurationMs: number;
    /** Not in k6: whether the runner kept up (see load-runner/README.md, "Runner health"). */
    runnerHealth?: RunnerHealthState;
  };
  metrics: Record<string, SummaryMetric>;
}

export function sinkValues(sink: Sink, trendStats: string[], durationMs: number): Record<string, number> {
  if (sink instanceof TrendSink) {
    const out: Record<string, number> = {};
    for (const stat of trendStats) out[stat] = sink.stat(stat);
    return out;
  }
  if (sink instanceof CounterSink) {
    return { count: sink.count, rate: durationMs > 0 ? sink.count / (durationMs / 1000) : 0 };
  }
  if (sink instanceof RateSink) return { rate: sink.rate, passes: sink.passes, fails: sink.fails };
  if (sink instanceof GaugeSink) return { value: sink.value, min: sink.min, max: sink.max };
  return {};
}

export function buildSummary(input: {
  registry: MetricRegistry;
  thresholds: Threshold[];
  rootGroup: GroupNode;
  trendStats: string[];
  durationMs: number;
  health?: RunnerHealthState;
}): SummaryData {
  const { registry, thresholds, trendStats, durationMs } = input;
  const byTarget = new Map<string, Threshold[]>();
  for (const t of thresholds) {
    const list = byTarget.get(t.target) ?? [];
    list.push(t);
    byTarget.set(t.target, list);
  }
  const metrics: Record<string, SummaryMetric> = {};
  const put = (name: string, metric: Metric, sink: Sink, thresholdKey: string | null): void => {
    const entry: SummaryMetric = {
      type: metric.type,
      contains: metric.contains,
      values: sinkValues(sink, trendStats, durationMs),
    };
    const own = thresholdKey === null ? undefined : byTarget.get(thresholdKey);
    if (own && own.length > 0) {
      entry.thresholds = {};
      for (const t of own) entry.thresholds[t.source] = { ok: t.ok };
    }
    metrics[name] = entry;
  };
  const thresholdKeyFor = (name: string): string | null => {
    for (const key of byTarget.keys()) if (key.replace(/\s+/g, '') === name.replace(/\s+/g, '')) return key;
    return null;
  };
  for (const metric of [...registry.metrics.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const hasThresholds = thresholdKeyFor(metric.name) !== null;
    if (!metric.observed && !hasThresholds) continue;
    put(metric.name, metric, metric.sink, thresholdKeyFor(metric.name));
    for (const sub of metric.submetrics as Submetric[]) {
      const key = thresholdKeyFor(sub.name);
      if (!metric.observed && key === null) continue;
      put(sub.name, metric, sub.sink, key);
    }
  }
  return {
    root_group: input.rootGroup,
    options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: false },
    state: {
      isStdOutTTY: Boolean(process.stdout.isTTY),
      isStdErrTTY: Boolean(process.stderr.isTTY),
      testRunDurationMs: durationMs,
      ...(input.health ? { runnerHealth: input.health } : {}),
    },
    metrics,
  };
}

interface LegacyGroup {
  name: string;
  path: string;
  id: string;
  groups: Record<string, LegacyGroup>;
  checks: Record<string, { name: string; path: string; id: string; passes: number; fails: number }>;
}

function legacyGroup(group: GroupNode): LegacyGroup {
  return {
    name: group.name,
    path: group.path,
    id: group.id,
    groups: Object.fromEntries(group.groups.map((g) => [g.name, legacyGroup(g)])),
    checks: Object.fromEntries(group.checks.map((c) => [c.name, { ...c }])),
  };
}

/**
 * k6's `--summary-export` file: metric values flat beside their thresholds, where a threshold's value
 * is true when it FAILED; a rate's ratio is called `value`.
 */
export function legacySummaryExport(summary: SummaryData): Record<string, unknown> {
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [name, metric] of Object.entries(summary.metrics)) {
    const values: Record<string, unknown> =
      metric.type === 'rate'
        ? { passes: metric.values.passes, fails: metric.values.fails, value: metric.values.rate }
        : { ...metric.values };
    if (metric.thresholds) {
      values.thresholds = Object.fromEntries(Object.entries(metric.thresholds).map(([k, v]) => [k, !v.ok]));
    }
    metrics[name] = values;
  }
  return { root_group: legacyGroup(summary.root_group), metrics };
}
