import { describe, expect, it } from 'vitest';
import { MetricRegistry, Series, type Tags } from './registry.ts';
import type { CounterSink, TrendSink } from './sinks.ts';

describe('resolved series', () => {
  it('records into the metric and exactly the sub-metrics its tags select, as add() does', () => {
    const viaSeries = new MetricRegistry();
    const viaAdd = new MetricRegistry();
    const seen: Array<[string, number, Tags]> = [];
    viaSeries.addListener({ onSample: (m, v, t) => seen.push([m.name, v, t]) });
    for (const reg of [viaSeries, viaAdd]) {
      const m = reg.define('http_req_duration', 'trend', 'time');
      m.submetric([['expected_response', 'true']]);
      m.submetric([['status', '500']]);
    }
    const ok: Tags = { status: '200', expected_response: 'true' };
    const failed: Tags = { status: '500', expected_response: 'false' };
    const metric = viaSeries.get('http_req_duration');
    if (!metric) throw new Error('metric not defined');
    const okSeries = new Series(metric, ok);
    const failedSeries = new Series(metric, failed);
    for (const [tags, value] of [
      [ok, 10],
      [failed, 30],
      [ok, 20],
    ] as const) {
      viaSeries.record(tags === ok ? okSeries : failedSeries, value);
      viaAdd.add(viaAdd.get('http_req_duration') as typeof metric, value, tags);
    }
    const summary = (reg: MetricRegistry) => {
      const m = reg.get('http_req_duration');
      return [m?.sink, ...(m?.submetrics.map((s) => s.sink) ?? [])].map((s) => {
        const t = s as TrendSink;
        return [t.count, t.sum, t.min, t.max];
      });
    };
    expect(summary(viaSeries)).toEqual(summary(viaAdd));
    expect(summary(viaSeries)).toEqual([
      [3, 60, 10, 30],
      [2, 30, 10, 20],
      [1, 30, 30, 30],
    ]);
    expect(metric.observed).toBe(true);
    expect(seen.map(([, v, t]) => [v, t])).toEqual([
      [10, ok],
      [30, failed],
      [20, ok],
    ]);
  });

  it('picks up a sub-metric defined after the series was first used', () => {
    const reg = new MetricRegistry();
    const m = reg.define('http_reqs', 'counter');
    const series = new Series(m, { name: 'login' });
    reg.record(series, 1);
    const sub = m.submetric([['name', 'login']]);
    reg.record(series, 1);
    expect((m.sink as CounterSink).count).toBe(2);
    expect((sub.sink as CounterSink).count).toBe(1);
  });
});
