import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialCdf, clopperPearsonUpper, fisherExact } from './binomial.ts';
import { bootstrapMedianDifference, mannWhitneyU, median, permutationTest } from './ranks.ts';

describe('clopperPearsonUpper', () => {
  it('gives 1 - 0.05^(1/n) for no events (about 3/n, the rule of three)', () => {
    expect(clopperPearsonUpper(0, 100)).toBeCloseTo(1 - 0.05 ** (1 / 100), 12);
    expect(clopperPearsonUpper(0, 3000) * 3000).toBeCloseTo(2.995, 2);
  });

  it('matches the exact one-sided bound for 1 event in 10 trials (0.3942)', () => {
    const p = clopperPearsonUpper(1, 10);
    expect(p).toBeCloseTo(0.3942, 4);
    expect(binomialCdf(1, 10, p)).toBeCloseTo(0.05, 6);
  });

  it('is 1 with no trials, and grows with the events seen', () => {
    expect(clopperPearsonUpper(0, 0)).toBe(1);
    expect(clopperPearsonUpper(5, 1000)).toBeGreaterThan(clopperPearsonUpper(1, 1000));
  });
});

describe('fisherExact', () => {
  it('gives 1/20 for 3 of 3 against 0 of 3, the most 3 runs a side can show', () => {
    const r = fisherExact(3, 3, 0, 3);
    expect(r.pBetter).toBeCloseTo(0.05, 12);
    expect(r.pWorse).toBeCloseTo(1, 12);
    expect(r.pMin).toBeCloseTo(0.05, 12);
  });

  it('cannot reach 5% with one run a side, and finds nothing when both sides are alike', () => {
    expect(fisherExact(1, 1, 0, 1).pMin).toBeCloseTo(0.5, 12);
    expect(fisherExact(0, 5, 0, 5)).toMatchObject({ pBetter: 1, pWorse: 1 });
    expect(fisherExact(2, 3, 0, 3).pBetter).toBeCloseTo(0.2, 12);
  });
});

describe('permutationTest', () => {
  it('gives the exact 1/20 for three lower values against three higher ones', () => {
    const r = permutationTest([1, 2, 3], [4, 5, 6]);
    expect(r.method).toBe('exact-permutation-mann-whitney');
    expect(r.pLower).toBeCloseTo(0.05, 12);
    expect(r.pHigher).toBe(1);
  });

  it('finds nothing in ties, and counts ties as halves in U', () => {
    expect(permutationTest([1, 1, 1], [1, 1, 1])).toMatchObject({ pLower: 1, pHigher: 1 });
    expect(mannWhitneyU([1, 2], [2, 3])).toBe(0.5);
  });

  it('samples splits (seeded, repeatable) when there are too many to enumerate', () => {
    const c = Array.from({ length: 12 }, (_, i) => i);
    const b = Array.from({ length: 12 }, (_, i) => i + 100);
    const first = permutationTest(c, b);
    expect(first.method).toBe('monte-carlo-permutation-mann-whitney');
    expect(first.pLower).toBeLessThan(0.001);
    expect(permutationTest(c, b)).toEqual(first);
  });

  it('never gives a p below the smallest the run counts allow (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 5 }),
        (c, b) => {
          const r = permutationTest(c, b);
          return (
            r.pLower >= r.pMin - 1e-12 && r.pHigher >= r.pMin - 1e-12 && r.pLower + r.pHigher >= 1 - 1e-9
          );
        },
      ),
    );
  });
});

describe('bootstrapMedianDifference', () => {
  it('centres on the difference of medians, holds it inside the interval, and repeats exactly', () => {
    const c = [210, 220, 205, 230, 215];
    const b = [480, 520, 505, 490, 515];
    const ci = bootstrapMedianDifference(c, b, { resamples: 2000 });
    expect(ci.estimate).toBe(median(c) - median(b));
    expect(ci.low).toBeLessThanOrEqual(ci.estimate);
    expect(ci.high).toBeGreaterThanOrEqual(ci.estimate);
    expect(ci.high).toBeLessThan(0);
    expect(bootstrapMedianDifference(c, b, { resamples: 2000 })).toEqual(ci);
  });
});
