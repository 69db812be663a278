// The SLO figures of two sets of runs compared without assuming a distribution: an exact permutation
// test of the Mann-Whitney statistic (every split of the pooled runs when there are few, a seeded
// Monte Carlo sample otherwise), and a percentile bootstrap interval of the difference in medians.
import { logChoose } from './binomial.ts';

/** A small, seeded generator (mulberry32): the same runs give the same interval every time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from the data itself, so a result can be recomputed from verification.json alone. */
export function seedOf(...lists: number[][]): number {
  let h = 2166136261;
  for (const list of lists) {
    for (const v of list) {
      for (const ch of v.toPrecision(12)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
    }
    h = Math.imul(h ^ 0x7c, 16777619);
  }
  return h >>> 0;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** U: how many (candidate, baseline) pairs have the candidate higher, ties counting half. */
export function mannWhitneyU(candidate: readonly number[], baseline: readonly number[]): number {
  let u = 0;
  for (const c of candidate) for (const b of baseline) u += c > b ? 1 : c === b ? 0.5 : 0;
  return u;
}

export const EXACT_LIMIT = 20_000;
const MONTE_CARLO = 20_000;

/** Every way to choose k of n indexes, as arrays (n choose k is kept small by the caller). */
function* combinations(n: number, k: number): Generator<number[]> {
  const pick = Array.from({ length: k }, (_, i) => i);
  if (k > n) return;
  while (true) {
    yield pick;
    let i = k - 1;
    while (i >= 0 && pick[i] === n - k + i) i--;
    if (i < 0) return;
    pick[i] = (pick[i] ?? 0) + 1;
    for (let j = i + 1; j < k; j++) pick[j] = (pick[j - 1] ?? 0) + 1;
  }
}

export interface PermutationResult {
  method: 'exact-permutation-mann-whitney' | 'monte-carlo-permutation-mann-whitney';
  /** One-sided: the candidate's values higher (pHigher) or lower (pLower) than chance would give. */
  pHigher: number;
  pLower: number;
  pMin: number;
}

/** Permutation test of U: were the two sides alike, how often would a random split give U this extreme? */
export function permutationTest(
  candidate: readonly number[],
  baseline: readonly number[],
): PermutationResult {
  const pooled = [...candidate, ...baseline];
  const n = pooled.length;
  const k = candidate.length;
  const observed = mannWhitneyU(candidate, baseline);
  const pMin = k === 0 || k === n ? 1 : Math.exp(-logChoose(n, k));
  const splits = Math.exp(logChoose(n, k));
  let higher = 0;
  let lower = 0;
  let total = 0;
  const count = (chosen: ReadonlySet<number>) => {
    const c: number[] = [];
    const b: number[] = [];
    for (const [i, v] of pooled.entries()) (chosen.has(i) ? c : b).push(v);
    const u = mannWhitneyU(c, b);
    // A hair of tolerance: U is a sum of halves, exact in floating point, but be safe.
    if (u >= observed - 1e-9) higher++;
    if (u <= observed + 1e-9) lower++;
    total++;
  };
  if (splits <= EXACT_LIMIT) {
    for (const pick of combinations(n, k)) count(new Set(pick));
    return { method: 'exact-permutation-mann-whitney', pHigher: higher / total, pLower: lower / total, pMin };
  }
  const random = seededRandom(seedOf([...candidate], [...baseline]));
  const idx = pooled.map((_, i) => i);
  for (let r = 0; r < MONTE_CARLO; r++) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j] ?? 0, idx[i] ?? 0];
    }
    count(new Set(idx.slice(0, k)));
  }
  // The observed split counts as one of the sample (the usual +1), so p is never 0.
  return {
    method: 'monte-carlo-permutation-mann-whitney',
    pHigher: (higher + 1) / (total + 1),
    pLower: (lower + 1) / (total + 1),
    pMin,
  };
}

export interface BootstrapInterval {
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  resamples: number;
}

/** Percentile bootstrap over runs of median(candidate) - median(baseline). */
export function bootstrapMedianDifference(
  candidate: readonly number[],
  baseline: readonly number[],
  options: { resamples?: number; confidence?: number } = {},
): BootstrapInterval {
  const resamples = options.resamples ?? 10_000;
  const confidence = options.confidence ?? 0.95;
  const random = seededRandom(seedOf([...candidate], [...baseline]));
  const draw = (values: readonly number[]) =>
    median(Array.from({ length: values.length }, () => values[Math.floor(random() * values.length)] ?? 0));
  const diffs = Array.from({ length: resamples }, () => draw(candidate) - draw(baseline)).sort(
    (a, b) => a - b,
  );
  const tail = (1 - confidence) / 2;
  const at = (q: number) => diffs[Math.min(diffs.length - 1, Math.max(0, Math.floor(q * diffs.length)))] ?? 0;
  return {
    estimate: median(candidate) - median(baseline),
    low: at(tail),
    high: at(1 - tail),
    confidence,
    resamples,
  };
}
