// The claim tables and notes of a verification report, once, as plain cells: the HTML and the Markdown
// renderers (verification-html.ts, verification-md.ts) differ only in how they mark a cell up.
import type { ClaimVerdict } from '../contract/schemas.ts';
import type { Translator } from '../i18n/index.ts';
import { runOf } from '../model.ts';
import { saturationNotes } from '../runner-health.ts';
import type { VerificationView } from '../verification.ts';
import { boundText, defectClaimText, formatFigure, sloClaimText, verdictWord } from './claims.ts';

/** One cell: its text, what kind of thing it is (for markup), and an optional second line. */
export type Cell =
  | { kind: 'code'; text: string; note?: string }
  | { kind: 'verdict'; text: string; verdict: ClaimVerdict }
  | { kind: 'num' | 'text'; text: string; sub?: string };

export interface ClaimTable {
  headers: string[];
  rows: Cell[][];
  /** One sentence per row: why the verdict is what it is. */
  reasons: string[];
}

const DASH = '—';
const num = (text: string, sub?: string): Cell =>
  sub === undefined ? { kind: 'num', text } : { kind: 'num', text, sub };

export function defectClaimTable(tr: Translator, view: VerificationView): ClaimTable {
  const v = view.verification;
  return {
    headers: [
      tr.t('col.defect'),
      tr.t('col.verdict'),
      tr.t('col.reproducedBaseline'),
      tr.t('col.candidateRuns'),
      tr.t('col.bound'),
    ],
    rows: v.defectClaims.map((c) => {
      const b = c.baselineReproduced;
      const k = c.candidateReproduced;
      const bound = c.candidateBound?.upperPer10000 ?? null;
      const id: Cell = c.claimed
        ? { kind: 'code', text: c.id }
        : { kind: 'code', text: c.id, note: c.introduced ? '+' : '=' };
      return [
        id,
        { kind: 'verdict', text: verdictWord(tr, c.verdict), verdict: c.verdict },
        num(b ? tr.t('value.kOfN', { k: b.k, n: b.n }) : DASH),
        num(k ? tr.t('value.kOfN', { k: k.k, n: k.n }) : DASH),
        num(bound !== null ? tr.t('value.per10000', { x: boundText(tr, bound) }) : DASH),
      ];
    }),
    reasons: v.defectClaims.map((c) => defectClaimText(tr, c, v.sloClaims, v.methods.minRunsPerSide)),
  };
}

export function sloClaimTable(tr: Translator, view: VerificationView): ClaimTable {
  const v = view.verification;
  return {
    headers: [
      tr.t('col.objective'),
      tr.t('col.verdict'),
      tr.t('col.baselineMedian'),
      tr.t('col.candidateMedian'),
      tr.t('col.difference'),
      tr.t('col.pValue'),
    ],
    rows: v.sloClaims.map((c) => {
      const f = (x: number | null | undefined) =>
        x === null || x === undefined ? DASH : formatFigure(tr, c.unit, x);
      const d = c.comparison.difference;
      const p = c.comparison.test;
      return [
        { kind: 'text', text: tr.t(`sloShort.${c.id}`, { seconds: view.targets.paymentCodeSeconds }) },
        { kind: 'verdict', text: verdictWord(tr, c.verdict), verdict: c.verdict },
        num(f(c.comparison.baselineMedian)),
        num(f(c.comparison.candidateMedian)),
        d ? num(f(d.estimate), `[${f(d.low)}, ${f(d.high)}]`) : num(DASH),
        num(p ? tr.number(Math.min(p.pBetter, p.pWorse), 3) : DASH),
      ];
    }),
    reasons: v.sloClaims.map((c) => sloClaimText(tr, c, v.methods.minRunsPerSide)),
  };
}

/**
 * The notes at the end of the report: runs whose load generator was saturated, runs that could not be
 * read, a PDF that could not be written.
 */
export function verificationNotes(
  tr: Translator,
  view: VerificationView,
  pdfProblem: string | null,
): string[] {
  return [
    ...saturationNotes(tr, [...view.baseline.runs, ...view.candidate.runs].map(runOf), true),
    ...view.missingRuns.map((dir) => tr.t('vnote.missingRun', { dir })),
    ...(pdfProblem ? [tr.t('note.noPdf', { reason: pdfProblem })] : []),
  ];
}
