// Thresholds: parsed and validated against the defined metrics before the test starts (k6 exit 104),
// judged every 2 s during the run and once at the end.
import { parseDuration } from './duration.ts';
import { InvalidConfigError } from './errors.ts';
import type { Metric, MetricRegistry, Submetric } from './metrics/registry.ts';
import { CounterSink, GaugeSink, type MetricType, RateSink, type Sink, TrendSink } from './metrics/sinks.ts';
import type { ThresholdInput } from './options.ts';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdExpression {
  aggregation: string;
  operator: Operator;
  value: number;
}

export interface Threshold {
  /** The key in options.thresholds, e.g. `http_req_duration{status:200}`. */
  target: string;
  source: string;
  expression: ThresholdExpression;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  metric: Metric;
  sink: Sink;
  ok: boolean;
}

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\(\s*\d+(?:\.\d+)?\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

const AGGREGATIONS: Record<MetricType, string> = {
  counter: 'count, rate',
  gauge: 'value',
  rate: 'rate',
  trend: 'avg, min, max, med, p(N)',
};

export function parseExpression(source: string): ThresholdExpression {
  const match = EXPRESSION.exec(source);
  if (!match) {
    throw new InvalidConfigError(
      `threshold "${source}" is not valid: expected <aggregation> <operator> <number>, e.g. "p(95)<500" or "rate<0.01"`,
    );
  }
  return {
    aggregation: (match[1] as string).replace(/\s+/g, ''),
    operator: match[2] as Operator,
    value: Number(match[3]),
  };
}

/** `metric{tag:value,tag2:"quoted value"}` -> metric name and tag selector. */
export function parseTarget(target: string): { metric: string; selector: Array<[string, string]> } {
  const open = target.indexOf('{');
  if (open === -1) return { metric: target.trim(), selector: [] };
  if (!target.trimEnd().endsWith('}')) {
    throw new InvalidConfigError(`threshold target "${target}": a tag selector must end with "}"`);
  }
  const inner = target.slice(open + 1, target.trimEnd().length - 1);
  const selector: Array<[string, string]> = [];
  for (const part of inner.split(',')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    if (colon === -1) {
      throw new InvalidConfigError(`threshold target "${target}": "${part.trim()}" should be tag:value`);
    }
    const key = part.slice(0, colon).trim();
    const value = part
      .slice(colon + 1)
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2');
    selector.push([key, value]);
  }
  return { metric: target.slice(0, open).trim(), selector };
}

function validAggregation(type: MetricType, aggregation: string): boolean {
  switch (type) {
    case 'counter':
      return aggregation === 'count' || aggregation === 'rate';
    case 'gauge':
      return aggregation === 'value';
    case 'rate':
      return aggregation === 'rate';
    case 'trend':
      return ['avg', 'min', 'max', 'med'].includes(aggregation) || aggregation.startsWith('p(');
  }
}

/** Builds the thresholds; throws InvalidConfigError (exit 104) for unknown metrics and wrong aggregations. */
export function buildThresholds(
  config: Record<string, ThresholdInput[]>,
  registry: MetricRegistry,
): Threshold[] {
  const out: Threshold[] = [];
  for (const [target, inputs] of Object.entries(config)) {
    const { metric: name, selector } = parseTarget(target);
    const metric = registry.get(name);
    if (!metric) {
      throw new InvalidConfigError(
        `threshold on unknown metric "${name}": define it in init code (new Trend/Counter/Rate/Gauge) or fix the name`,
      );
    }
    const sub: Submetric | null = selector.length > 0 ? metric.submetric(selector) : null;
    for (const input of inputs) {
      const source = typeof input === 'string' ? input : input.threshold;
      const expression = parseExpression(source);
      if (!validAggregation(metric.type, expression.aggregation)) {
        throw new InvalidConfigError(
          `threshold "${source}" on "${target}": ${expression.aggregation} does not apply to a ${metric.type} (use ${AGGREGATIONS[metric.type]})`,
        );
      }
      out.push({
        target,
        source,
        expression,
        abortOnFail: typeof input === 'object' && input.abortOnFail === true,
        delayAbortEvalMs:
          typeof input === 'object' && input.delayAbortEval
            ? parseDuration(input.delayAbortEval, `thresholds["${target}"].delayAbortEval`)
            : 0,
        metric,
        sink: sub ? sub.sink : metric.sink,
        ok: true,
      });
    }
  }
  return out;
}

export function aggregate(sink: Sink, aggregation: string, elapsedSeconds: number): number {
  if (sink instanceof TrendSink) return sink.stat(aggregation);
  if (sink instanceof CounterSink) {
    return aggregation === 'count' ? sink.count : elapsedSeconds > 0 ? sink.count / elapsedSeconds : 0;
  }
  if (sink instanceof RateSink) return sink.rate;
  if (sink instanceof GaugeSink) return sink.value;
  return Number.NaN;
}

export function compare(left: number, operator: Operator, right: number): boolean {
  switch (operator) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '==':
    case '===':
      return left === right;
    case '!=':
      return left !== right;
  }
}

/** Judges every threshold; returns those that failed and ask to abort the test now. */
export function judge(thresholds: Threshold[], elapsedMs: number): Threshold[] {
  const abort: Threshold[] = [];
  for (const t of thresholds) {
    const value = aggregate(t.sink, t.expression.aggregation, elapsedMs / 1000);
    t.ok = compare(value, t.expression.operator, t.expression.value);
    if (!t.ok && t.abortOnFail && elapsedMs >= t.delayAbortEvalMs) abort.push(t);
  }
  return abort;
}
