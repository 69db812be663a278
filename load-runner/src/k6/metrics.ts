// `k6/metrics`: custom Counter, Gauge, Rate and Trend, created in init code only.
import { RunnerError } from '../errors.ts';
import type { Metric as RegistryMetric, Tags } from '../metrics/registry.ts';
import type { MetricType } from '../metrics/sinks.ts';
import { activeRuntime } from '../runtime.ts';

class CustomMetric {
  readonly name: string;
  private readonly metric: RegistryMetric;
  constructor(name: string, type: MetricType, isTime: boolean) {
    const rt = activeRuntime();
    if (rt.phase !== 'init') {
      throw new RunnerError(`metric "${name}": custom metrics can only be created in init code`, 107);
    }
    this.metric = rt.registry.define(name, type, isTime ? 'time' : 'default');
    this.name = name;
  }

  add(value: number | boolean, tags?: Record<string, string>): boolean {
    const rt = activeRuntime();
    const ctx = rt.context.getStore();
    if (ctx?.interrupted) return false;
    const base: Tags = ctx ? ctx.tags : rt.testTags;
    const numeric = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    if (Number.isNaN(numeric)) return false;
    rt.registry.add(this.metric, numeric, tags ? { ...base, ...tags } : base);
    return true;
  }
}

export class Counter extends CustomMetric {
  constructor(name: string, _isTime?: boolean) {
    super(name, 'counter', false);
  }
}
export class Gauge extends CustomMetric {
  constructor(name: string, isTime?: boolean) {
    super(name, 'gauge', isTime === true);
  }
}
export class Rate extends CustomMetric {
  constructor(name: string, _isTime?: boolean) {
    super(name, 'rate', false);
  }
}
export class Trend extends CustomMetric {
  constructor(name: string, isTime?: boolean) {
    super(name, 'trend', isTime === true);
  }
}

export default { Counter, Gauge, Rate, Trend };
