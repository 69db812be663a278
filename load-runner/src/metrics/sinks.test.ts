import { describe, expect, it } from 'vitest';
import { TrendSink } from './sinks.ts';

function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

describe('trend sink (HdrHistogram)', () => {
  it('gives percentiles within 0.1% of the exact value and exact min, max and avg', () => {
    const sink = new TrendSink();
    const values: number[] = [];
    let seed = 42;
    for (let i = 0; i < 200_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      // log-normal-ish latencies between ~0.2 ms and a few seconds
      const v = Math.exp((seed / 2 ** 31) * 9 - 1.5);
      values.push(v);
      sink.add(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [50, 90, 95, 99, 99.9]) {
      const exact = exactPercentile(values, p);
      expect(Math.abs(sink.percentile(p) - exact) / exact).toBeLessThan(0.001);
    }
    expect(sink.min).toBe(values[0]);
    expect(sink.max).toBe(values[values.length - 1]);
    expect(sink.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
  });

  it('counts values that round to 0 in its percentiles, also after more samples and a reset', () => {
    const sink = new TrendSink();
    const values: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const v = i % 3 === 0 ? 0 : i % 3 === 1 ? 0.0003 : 1 + (i % 100);
      values.push(v);
      sink.add(v);
      if (i === 5000)
        expect(sink.percentile(50)).toBeCloseTo(
          exactPercentile(
            [...values].sort((a, b) => a - b),
            50,
          ),
          2,
        );
    }
    values.sort((a, b) => a - b);
    for (const p of [10, 50, 66, 67, 90, 99]) {
      const exact = exactPercentile(values, p);
      expect(Math.abs(sink.percentile(p) - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.0005);
    }
    sink.reset();
    sink.add(5);
    expect(sink.percentile(50)).toBe(5);
  });

  it('keeps its memory flat however many samples arrive', () => {
    const sink = new TrendSink();
    for (let i = 0; i < 10_000; i++) sink.add(i % 1000);
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) sink.add(i % 1000);
    const grown = process.memoryUsage().heapUsed - before;
    expect(sink.count).toBe(1_010_000);
    expect(grown).toBeLessThan(4 * 1024 * 1024); // 1M samples kept raw would need 8 MB
  });
});
