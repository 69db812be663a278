// The metric registry: every sample goes through `add`, which feeds the run-wide sink, the sub-metric
// sinks that thresholds and the summary select by tags, and the optional outputs (per-second series,
// live Prometheus, --out json points).
import { InvalidConfigError } from '../errors.ts';
import { createSink, type MetricType, type Sink } from './sinks.ts';

export type Tags = Record<string, string>;
export type Contains = 'default' | 'time' | 'data';

export interface SampleListener {
  onSample(metric: Metric, value: number, tags: Tags): void;
}

export class Submetric {
  readonly name: string;
  readonly parent: Metric;
  readonly selector: Array<[string, string]>;
  readonly sink: Sink;
  constructor(parent: Metric, selector: Array<[string, string]>) {
    this.parent = parent;
    this.selector = selector;
    this.name = `${parent.name}{${selector.map(([k, v]) => `${k}:${v}`).join(',')}}`;
    this.sink = createSink(parent.type);
  }
  matches(tags: Tags): boolean {
    for (const [key, value] of this.selector) if (tags[key] !== value) return false;
    return true;
  }
}

export class Metric {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: Contains;
  readonly sink: Sink;
  readonly submetrics: Submetric[] = [];
  /** Set once a sample arrived; the summary lists only metrics that saw samples, as k6 does. */
  observed = false;
  constructor(name: string, type: MetricType, contains: Contains) {
    this.name = name;
    this.type = type;
    this.contains = contains;
    this.sink = createSink(type);
  }

  submetric(selector: Array<[string, string]>): Submetric {
    const key = selector.map(([k, v]) => `${k}:${v}`).join(',');
    const existing = this.submetrics.find((s) => s.name === `${this.name}{${key}}`);
    if (existing) return existing;
    const sub = new Submetric(this, selector);
    this.submetrics.push(sub);
    return sub;
  }
}

/**
 * One metric with one tag set, resolved once: the sinks its samples go to (the metric's own and those of
 * the sub-metrics the tags select). Hot paths keep these per tag set so that a sample is a few sink
 * updates, with no tag object built and no selector matched per sample.
 */
export class Series {
  readonly metric: Metric;
  readonly tags: Tags;
  sinks: Sink[] = [];
  /** metric.submetrics.length when the sinks were resolved: a sub-metric added later re-resolves them. */
  resolvedFor = -1;
  constructor(metric: Metric, tags: Tags) {
    this.metric = metric;
    this.tags = tags;
  }
  resolve(): void {
    const subs = this.metric.submetrics;
    const sinks = [this.metric.sink];
    for (const sub of subs) if (sub.matches(this.tags)) sinks.push(sub.sink);
    this.sinks = sinks;
    this.resolvedFor = subs.length;
  }
}

const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

export class MetricRegistry {
  readonly metrics = new Map<string, Metric>();
  private listeners: SampleListener[] = [];

  define(name: string, type: MetricType, contains: Contains = 'default'): Metric {
    if (!METRIC_NAME.test(name)) {
      throw new InvalidConfigError(
        `invalid metric name "${name}": names must match ^[a-zA-Z_][a-zA-Z0-9_]{1,128}$`,
      );
    }
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) {
        throw new InvalidConfigError(`metric "${name}" already exists as a ${existing.type}, not a ${type}`);
      }
      return existing;
    }
    const metric = new Metric(name, type, contains);
    this.metrics.set(name, metric);
    return metric;
  }

  get(name: string): Metric | undefined {
    return this.metrics.get(name);
  }

  addListener(listener: SampleListener): void {
    this.listeners.push(listener);
  }

  /** The hot path: one call per sample. */
  add(metric: Metric, value: number, tags: Tags): void {
    metric.observed = true;
    metric.sink.add(value);
    const subs = metric.submetrics;
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i] as Submetric;
      if (sub.matches(tags)) sub.sink.add(value);
    }
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) (listeners[i] as SampleListener).onSample(metric, value, tags);
  }

  /** The same as `add(series.metric, value, series.tags)`, with the sub-metric matching done once. */
  record(series: Series, value: number): void {
    const metric = series.metric;
    if (series.resolvedFor !== metric.submetrics.length) series.resolve();
    metric.observed = true;
    const sinks = series.sinks;
    for (let i = 0; i < sinks.length; i++) (sinks[i] as Sink).add(value);
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      (listeners[i] as SampleListener).onSample(metric, value, series.tags);
    }
  }
}
