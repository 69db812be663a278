import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';
import { InvalidConfigError } from './errors.ts';
import { normalizeOptions } from './options.ts';

describe('durations', () => {
  it('reads k6 duration strings', () => {
    expect(parseDuration('1m30s', 'x')).toBe(90_000);
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('2h', 'x')).toBe(7_200_000);
    expect(parseDuration('1.5s', 'x')).toBe(1500);
    expect(() => parseDuration('10 minutes', 'x')).toThrow(InvalidConfigError);
  });
});

describe('options', () => {
  it('turns no options into one VU doing one iteration, named default', () => {
    const [sc] = normalizeOptions(undefined).scenarios;
    expect(sc).toMatchObject({ name: 'default', executor: 'shared-iterations', vus: 1, iterations: 1 });
  });
  it('maps the vus+duration, stages and iterations shortcuts to their executors', () => {
    expect(normalizeOptions({ vus: 5, duration: '10s' }).scenarios[0]).toMatchObject({
      executor: 'constant-vus',
      vus: 5,
      durationMs: 10_000,
      gracefulStopMs: 30_000,
    });
    expect(normalizeOptions({ stages: [{ duration: '5s', target: 3 }] }).scenarios[0]).toMatchObject({
      executor: 'ramping-vus',
      startVUs: 1,
      gracefulRampDownMs: 30_000,
    });
    expect(normalizeOptions({ iterations: 7, vus: 2 }).scenarios[0]).toMatchObject({
      executor: 'shared-iterations',
      maxDurationMs: 600_000,
    });
  });
  it("fills k6's defaults for arrival-rate scenarios and keeps maxVUs >= preAllocatedVUs", () => {
    const [sc] = normalizeOptions({
      scenarios: {
        rush: { executor: 'constant-arrival-rate', rate: 50, duration: '1m', preAllocatedVUs: 10 },
      },
    }).scenarios;
    expect(sc).toMatchObject({ timeUnitMs: 1000, maxVUs: 10, startTimeMs: 0, exec: 'default' });
  });
  it('rejects what k6 rejects, naming the field', () => {
    expect(() =>
      normalizeOptions({ scenarios: { 'bad name': { executor: 'constant-vus', duration: '1s' } } }),
    ).toThrow(/letters, digits/);
    expect(() => normalizeOptions({ scenarios: { a: { executor: 'warp-speed' } } })).toThrow(
      /unknown executor/,
    );
    expect(() =>
      normalizeOptions({ scenarios: { a: { executor: 'constant-arrival-rate', rate: 5, duration: '1s' } } }),
    ).toThrow(/preAllocatedVUs/);
    expect(() => normalizeOptions({ summaryTrendStats: ['p99'] })).toThrow(/summaryTrendStats/);
  });
  it('merges --tag tags over options.tags', () => {
    expect(normalizeOptions({ tags: { a: '1', b: '2' } }, { b: '3' }).tags).toEqual({ a: '1', b: '3' });
  });
});
