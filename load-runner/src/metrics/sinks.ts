// Aggregators for k6's four metric types. Trends keep an HdrHistogram, never the samples, so memory stays
// flat however long the run; min, max, sum and count are kept exactly beside it.
import * as hdr from 'hdr-histogram-js';

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface Sink {
  add(value: number): void;
  reset(): void;
  readonly empty: boolean;
}

export class CounterSink implements Sink {
  count = 0;
  add(value: number): void {
    this.count += value;
  }
  reset(): void {
    this.count = 0;
  }
  get empty(): boolean {
    return this.count === 0;
  }
}

export class GaugeSink implements Sink {
  value = 0;
  min = 0;
  max = 0;
  seen = false;
  add(value: number): void {
    if (!this.seen) {
      this.min = value;
      this.max = value;
      this.seen = true;
    } else {
      if (value < this.min) this.min = value;
      if (value > this.max) this.max = value;
    }
    this.value = value;
  }
  reset(): void {
    this.value = 0;
    this.min = 0;
    this.max = 0;
    this.seen = false;
  }
  get empty(): boolean {
    return !this.seen;
  }
}

export class RateSink implements Sink {
  passes = 0;
  fails = 0;
  add(value: number): void {
    if (value !== 0) this.passes++;
    else this.fails++;
  }
  reset(): void {
    this.passes = 0;
    this.fails = 0;
  }
  get rate(): number {
    const total = this.passes + this.fails;
    return total === 0 ? 0 : this.passes / total;
  }
  get empty(): boolean {
    return this.passes + this.fails === 0;
  }
}

/** Values are recorded in thousandths (microseconds for time trends): 3 significant digits = 0.1%. */
const SCALE = 1000;

export class TrendSink implements Sink {
  count = 0;
  sum = 0;
  min = 0;
  max = 0;
  /**
   * Values that round to 0 not yet in the histogram: most samples of http_req_connecting and
   * http_req_tls_handshaking are 0 (reused connections), counted here and recorded in one go when a
   * percentile is asked.
   */
  private zeros = 0;
  private readonly histogram = hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000, // 60 s in us; grows on demand (autoResize)
    numberOfSignificantValueDigits: 3,
  });

  add(value: number): void {
    if (this.count === 0) {
      this.min = value;
      this.max = value;
    } else {
      if (value < this.min) this.min = value;
      if (value > this.max) this.max = value;
    }
    this.count++;
    this.sum += value;
    // HdrHistogram holds non-negative integers; negative custom-trend values only affect min/avg.
    const scaled = value > 0 ? Math.round(value * SCALE) : 0;
    if (scaled === 0) this.zeros++;
    else this.histogram.recordValue(scaled);
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = 0;
    this.max = 0;
    this.zeros = 0;
    this.histogram.reset();
  }

  get empty(): boolean {
    return this.count === 0;
  }

  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** p in 0..100. Clamped to the exact min and max, which the histogram only knows to 0.1%. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    if (this.zeros > 0) {
      this.histogram.recordValueWithCount(0, this.zeros);
      this.zeros = 0;
    }
    const value = this.histogram.getValueAtPercentile(p) / SCALE;
    return Math.min(this.max, Math.max(this.min, value));
  }

  /** One of k6's trend statistics: avg, min, med, max, count, p(N). */
  stat(name: string): number {
    switch (name) {
      case 'avg':
        return this.avg;
      case 'min':
        return this.min;
      case 'max':
        return this.max;
      case 'med':
        return this.percentile(50);
      case 'count':
        return this.count;
      default: {
        const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
        return match ? this.percentile(Number(match[1])) : Number.NaN;
      }
    }
  }
}

export function createSink(type: MetricType): Sink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink();
  }
}
