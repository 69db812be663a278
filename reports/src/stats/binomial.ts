// Exact binomial and hypergeometric tails for the invariants: a violation is a fact, "the fix holds"
// is a bound. Pure numerics; log space so that tens of thousands of attempts do not overflow.

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7): accurate to ~1e-13, plenty for tail sums. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** P(X <= x) for X ~ Binomial(n, p). */
export function binomialCdf(x: number, n: number, p: number): number {
  if (x >= n) return 1;
  if (x < 0) return 0;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let sum = 0;
  for (let i = 0; i <= x; i++) sum += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, sum);
}

/**
 * One-sided Clopper-Pearson upper bound: the largest rate p at which seeing `x` or fewer events in `n`
 * trials still has probability at least 1 - confidence. For x = 0 it is 1 - (1 - confidence)^(1/n)
 * (the "rule of three": about 3/n at 95%).
 */
export function clopperPearsonUpper(x: number, n: number, confidence = 0.95): number {
  if (n <= 0) return 1;
  if (x >= n) return 1;
  const alpha = 1 - confidence;
  if (x === 0) return 1 - alpha ** (1 / n);
  let lo = x / n;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(x, n, mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Fisher's exact test on "runs that showed the defect": k1 of n1 baseline runs, k2 of n2 candidate runs.
 * pBetter: the chance, were both sides alike, of the baseline showing it at least this much more often;
 * pWorse the other way; pMin the smallest p these run counts can ever give (1 / C(n1+n2, n1)).
 */
export function fisherExact(
  k1: number,
  n1: number,
  k2: number,
  n2: number,
): { pBetter: number; pWorse: number; pMin: number } {
  const total = n1 + n2;
  const shown = k1 + k2;
  const pmf = (x: number) =>
    Math.exp(logChoose(shown, x) + logChoose(total - shown, n1 - x) - logChoose(total, n1));
  const lo = Math.max(0, shown - n2);
  const hi = Math.min(shown, n1);
  let pBetter = 0;
  let pWorse = 0;
  for (let x = lo; x <= hi; x++) {
    const p = pmf(x);
    if (x >= k1) pBetter += p;
    if (x <= k1) pWorse += p;
  }
  return {
    pBetter: Math.min(1, pBetter),
    pWorse: Math.min(1, pWorse),
    pMin: total === 0 || n1 === 0 || n2 === 0 ? 1 : Math.exp(-logChoose(total, n1)),
  };
}
