// The verdict table `verify` prints: one row per claim with the figures per side and the statistics
// behind the verdict, then the outcome sentence. Pure: verification.json in, text out.
import type { DefectClaim, SloClaim, Verification } from '@paspor-lab/reports/contract';
import { formatFigure, per10000 } from '@paspor-lab/reports/stats';

const p = (value: number) => (value < 0.001 ? '<0.001' : value.toFixed(3));

function defectRow(d: DefectClaim): string[] {
  const name = `${d.id}${d.claimed ? ' (fix claimed)' : ''}`;
  if (d.evidence.type === 'slo') return [name, d.verdict, '—', '—', `by ${d.evidence.slo}`];
  const b = d.baselineReproduced;
  const c = d.candidateReproduced;
  const bound = d.candidateBound?.upperPer10000;
  const stats = [
    bound === null || bound === undefined ? null : `<${per10000(bound / 10_000)} in 10,000 at 95%`,
    d.test ? `Fisher p ${p(d.test.pBetter)}` : null,
  ].filter(Boolean);
  return [
    name,
    d.verdict,
    b ? `${b.k} of ${b.n} runs` : '—',
    c ? `${c.k} of ${c.n} runs` : '—',
    stats.join(', '),
  ];
}

function sloRow(s: SloClaim): string[] {
  const cmp = s.comparison;
  const fig = (v: number | null) => (v === null ? 'not measured' : formatFigure(s.unit, v));
  const d = cmp.difference;
  const stats = [
    d
      ? `diff ${formatFigure(s.unit, d.estimate)} [${formatFigure(s.unit, d.low)}, ${formatFigure(s.unit, d.high)}]`
      : null,
    cmp.test ? `p ${p(Math.min(cmp.test.pBetter, cmp.test.pWorse))}` : null,
  ].filter(Boolean);
  return [
    `${s.id} ${s.op === '>=' ? '≥' : '≤'} ${formatFigure(s.unit, s.target)}`,
    s.verdict,
    fig(cmp.baselineMedian),
    fig(cmp.candidateMedian),
    stats.join(', '),
  ];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export function verdictTable(v: Verification): string {
  const head = `${v.scenario}${v.short ? ' (short)' : ''}: ${v.baseline.label} (${v.baseline.runs.length} runs) against ${v.candidate.label} (${v.candidate.runs.length} runs), interleaved`;
  const rows = [
    ['defect / SLO', 'verdict', 'baseline', 'candidate', 'statistics'],
    ...v.defectClaims.map(defectRow),
    ...v.sloClaims.map(sloRow),
  ];
  const lines = [head, '', ...table(rows), ''];
  for (const claim of [...v.defectClaims, ...v.sloClaims]) {
    if (claim.verdict === 'verified' || claim.verdict === 'regressed' || claim.kind === 'defect') {
      lines.push(`  ${claim.id}: ${claim.reason}`);
    }
  }
  if (v.notExamined.length > 0) {
    lines.push(
      `  not examined by ${v.scenario}: ${v.notExamined.map((n) => (n.scenario ? `${n.defect} (verify with ${n.scenario})` : n.defect)).join(', ')}`,
    );
  }
  lines.push('', v.outcome.sentence);
  return lines.join('\n');
}
