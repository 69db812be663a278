// The claims of verification.json in the report's language. The statistics decide (reports/src/stats);
// this only says it: each reason is rebuilt from its reasonKey and the claim's own numbers, formatted
// for the reader ("99,50%" in Indonesian), so English and Indonesian reports say the same thing.
import { evidenceLabel } from '../contract/defect-evidence.ts';
import type { DefectClaim, SloClaim, SloFigure } from '../contract/schemas.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { Translator } from '../i18n/index.ts';

export function formatFigure(tr: Translator, unit: SloFigure['unit'], value: number): string {
  switch (unit) {
    case 'ratio':
      return tr.percent(value, 2);
    case 'ms':
      return `${tr.number(value, 0)} ${tr.t('unit.ms')}`;
    case 's':
      return `${tr.number(value, 1)} ${tr.t('unit.s')}`;
    case 'count':
      return tr.number(value, 0);
  }
}

function pValue(tr: Translator, p: number): string {
  return p < 0.001 ? `< ${tr.number(0.001, 3)}` : tr.number(p, 3);
}

function sloName(tr: Translator, id: string): string {
  return tr.has(`sloShort.${id}`) ? tr.t(`sloShort.${id}` as MessageKey, { seconds: 30 }) : id;
}

export function sloClaimText(tr: Translator, claim: SloClaim, minRuns: number): string {
  const c = claim.comparison;
  const k = `claim.${claim.reasonKey}`;
  if (!tr.has(k)) return claim.reason;
  const f = (v: number | null | undefined) =>
    v === null || v === undefined ? '—' : formatFigure(tr, claim.unit, v);
  const p = c.test ? pValue(tr, Math.min(c.test.pBetter, c.test.pWorse)) : '—';
  const figures = tr.t('claim.figures', {
    baselineMedian: f(c.baselineMedian),
    candidateMedian: f(c.candidateMedian),
    target: `${claim.op === '>=' ? '≥' : '≤'} ${f(claim.target)}`,
    low: f(c.difference?.low),
    high: f(c.difference?.high),
  });
  const side = c.baseline.every((v) => v === null) ? 'baseline' : 'candidate';
  return tr.t(k as MessageKey, {
    slo: sloName(tr, claim.id),
    side: tr.t(`claim.side.${side}`),
    figures,
    p,
    baselineRuns: c.baseline.filter((v) => v !== null).length,
    candidateRuns: c.candidate.filter((v) => v !== null).length,
    min: minRuns,
  });
}

export function defectClaimText(
  tr: Translator,
  claim: DefectClaim,
  sloClaims: SloClaim[],
  minRuns: number,
): string {
  const k = `claim.${claim.reasonKey}`;
  if (!tr.has(k)) return claim.reason;
  if (claim.evidence.type === 'slo') {
    const slo = claim.evidence.slo;
    const sloClaim = sloClaims.find((s) => s.id === slo);
    return tr.t('claim.defect.bySlo', {
      slo: sloName(tr, slo),
      sloReason: sloClaim ? sloClaimText(tr, sloClaim, minRuns) : tr.t('value.notMeasured'),
    });
  }
  const invariant = evidenceLabel(claim.evidence);
  const b = claim.baselineReproduced ?? { k: 0, n: 0 };
  const c = claim.candidateReproduced ?? { k: 0, n: 0 };
  const bound = claim.candidateBound;
  const reproduced = tr.t('claim.reproduced', { invariant, k: b.k, n: b.n });
  const held =
    bound && bound.upperPer10000 !== null
      ? tr.t('claim.held', {
          violations: tr.number(bound.violations, 0),
          m: c.n,
          attempts: tr.number(bound.attempts, 0),
          bound: boundText(tr, bound.upperPer10000),
        })
      : tr.t('claim.heldNoAttempts', { violations: tr.number(bound?.violations ?? 0, 0), m: c.n });
  const p = claim.test ? pValue(tr, Math.min(claim.test.pBetter, claim.test.pWorse)) : '—';
  return tr.t(k as MessageKey, {
    invariant,
    reproduced,
    held,
    p,
    n: b.n,
    m: c.n,
    kCandidate: c.k,
    min: minRuns,
    side: tr.t(`claim.side.${b.n === 0 ? 'baseline' : 'candidate'}`),
  });
}

/** "154", "15.4", "1.54": rounded up, so the sentence never claims more than the bound says. */
export function boundText(tr: Translator, per10000: number): string {
  const shown =
    per10000 >= 100
      ? Math.ceil(per10000)
      : per10000 >= 10
        ? Math.ceil(per10000 * 10) / 10
        : Math.ceil(per10000 * 100) / 100;
  return tr.number(shown, 2);
}

export function verdictWord(tr: Translator, verdict: string): string {
  return tr.has(`verdict.${verdict}`) ? tr.t(`verdict.${verdict}` as MessageKey) : verdict;
}
