import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from './errors.ts';
import { defineBuiltins } from './metrics/builtin.ts';
import { MetricRegistry } from './metrics/registry.ts';
import { buildThresholds, judge, parseExpression, parseTarget } from './thresholds.ts';

function setup() {
  const registry = new MetricRegistry();
  const builtins = defineBuiltins(registry);
  return { registry, builtins };
}

describe('threshold parsing', () => {
  it('reads aggregation, operator and value', () => {
    expect(parseExpression('p(99.9) <= 250')).toEqual({ aggregation: 'p(99.9)', operator: '<=', value: 250 });
    expect(parseExpression('rate!=0')).toEqual({ aggregation: 'rate', operator: '!=', value: 0 });
    expect(() => parseExpression('p95<1')).toThrow(InvalidConfigError);
  });
  it('reads sub-metric selectors, quoted or not', () => {
    expect(parseTarget('http_req_duration{status:200, name:"get slots"}')).toEqual({
      metric: 'http_req_duration',
      selector: [
        ['status', '200'],
        ['name', 'get slots'],
      ],
    });
  });
});

describe('threshold validation (k6 exit 104)', () => {
  it('rejects unknown metrics and aggregations that do not fit the metric type', () => {
    const { registry } = setup();
    expect(() => buildThresholds({ http_req_durration: ['p(95)<1'] }, registry)).toThrow(/unknown metric/);
    expect(() => buildThresholds({ http_reqs: ['p(95)<1'] }, registry)).toThrow(
      /does not apply to a counter/,
    );
    expect(() => buildThresholds({ http_req_failed: ['count<1'] }, registry)).toThrow(
      /does not apply to a rate/,
    );
    expect(() => buildThresholds({ vus: ['avg<1'] }, registry)).toThrow(/does not apply to a gauge/);
  });
});

describe('threshold judgement', () => {
  it('judges sub-metrics on the samples whose tags include every selected pair', () => {
    const { registry, builtins } = setup();
    const thresholds = buildThresholds(
      { 'http_req_duration{name:slow,method:GET}': ['max<100'], http_req_duration: ['max<1000'] },
      registry,
    );
    const [slow, all] = thresholds;
    registry.add(builtins.httpReqDuration, 500, { name: 'slow', method: 'POST' });
    registry.add(builtins.httpReqDuration, 50, { name: 'slow', method: 'GET' });
    judge(thresholds, 1000);
    expect(slow?.ok).toBe(true);
    expect(all?.ok).toBe(true);
    registry.add(builtins.httpReqDuration, 150, { name: 'slow', method: 'GET', status: '200' });
    judge(thresholds, 1000);
    expect(slow?.ok).toBe(false);
  });

  it('asks to abort only for abortOnFail thresholds past their delayAbortEval', () => {
    const { registry, builtins } = setup();
    const thresholds = buildThresholds(
      {
        http_req_failed: [{ threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: '10s' }],
        http_reqs: ['count<1'],
      },
      registry,
    );
    registry.add(builtins.httpReqFailed, 1, {});
    registry.add(builtins.httpReqs, 1, {});
    expect(judge(thresholds, 5000)).toEqual([]);
    expect(thresholds.every((t) => !t.ok)).toBe(true);
    expect(judge(thresholds, 10_000).map((t) => t.source)).toEqual(['rate<0.1']);
  });

  it('computes counter rate per second of the elapsed test time', () => {
    const { registry, builtins } = setup();
    const thresholds = buildThresholds({ http_reqs: ['rate>=10'] }, registry);
    for (let i = 0; i < 20; i++) registry.add(builtins.httpReqs, 1, {});
    judge(thresholds, 2000);
    expect(thresholds[0]?.ok).toBe(true);
    judge(thresholds, 2100);
    expect(thresholds[0]?.ok).toBe(false);
  });
});
