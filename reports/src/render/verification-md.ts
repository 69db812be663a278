// report.md of a verification: the outcome, the journeys, the claims with their statistics, the
// budgets and how this was judged, as GitHub-flavoured Markdown tables for a pull request.
import type { Translator } from '../i18n/index.ts';
import type { VerificationView } from '../verification.ts';
import { boundText, defectClaimText, formatFigure, sloClaimText, verdictWord } from './claims.ts';
import { journeysTable, table } from './markdown.ts';
import { verificationAlertsMarkdown } from './timeline.ts';
import { methodItems, outcomeSentence, sideLabel, verificationOk } from './verification-html.ts';

export function renderVerificationMarkdown(
  tr: Translator,
  view: VerificationView,
  pdfProblem: string | null = null,
): string {
  const v = view.verification;
  const ok = verificationOk(view);
  const out: string[] = [];
  out.push(`# ${tr.t('vtitle')}: ${v.scenario}`, '');
  out.push(
    tr.t('vsubtitle', {
      scenario: v.scenario,
      baseline: v.baseline.label,
      candidate: v.candidate.label,
      runs: v.runsPerSide,
    }),
    '',
  );
  out.push(
    `> ${ok ? '✅' : '❌'} **${tr.t(ok ? 'vstatus.verified' : 'vstatus.not-verified')}**: ${outcomeSentence(tr, view)}`,
    '>',
    `> ${tr.t(ok ? 'vlead.ok' : 'vlead.bad')}`,
    '',
  );
  out.push(`## ${tr.t('journeys.title')}`, '');
  out.push(
    journeysTable(tr, [
      { label: sideLabel(tr, view.baseline), journeys: view.baseline.journeys },
      { label: sideLabel(tr, view.candidate), journeys: view.candidate.journeys },
    ]),
    '',
  );
  out.push(`## ${tr.t('section.defectClaims')}`, '');
  out.push(
    table(
      [
        tr.t('col.defect'),
        tr.t('col.verdict'),
        tr.t('col.reproducedBaseline'),
        tr.t('col.candidateRuns'),
        tr.t('col.bound'),
        tr.t('col.reason'),
      ],
      v.defectClaims.map((c) => [
        `\`${c.id}\``,
        `**${verdictWord(tr, c.verdict)}**`,
        c.baselineReproduced
          ? tr.t('value.kOfN', { k: c.baselineReproduced.k, n: c.baselineReproduced.n })
          : '—',
        c.candidateReproduced
          ? tr.t('value.kOfN', { k: c.candidateReproduced.k, n: c.candidateReproduced.n })
          : '—',
        c.candidateBound && c.candidateBound.upperPer10000 !== null
          ? tr.t('value.per10000', { x: boundText(tr, c.candidateBound.upperPer10000) })
          : '—',
        defectClaimText(tr, c, v.sloClaims, v.methods.minRunsPerSide),
      ]),
    ),
    '',
  );
  out.push(`## ${tr.t('section.sloClaims')}`, '');
  out.push(
    table(
      [
        tr.t('col.objective'),
        tr.t('col.verdict'),
        tr.t('col.baselineMedian'),
        tr.t('col.candidateMedian'),
        tr.t('col.difference'),
        tr.t('col.pValue'),
      ],
      v.sloClaims.map((c) => {
        const f = (x: number | null | undefined) =>
          x === null || x === undefined ? '—' : formatFigure(tr, c.unit, x);
        const d = c.comparison.difference;
        const p = c.comparison.test;
        return [
          tr.t(`sloShort.${c.id}`, { seconds: view.targets.paymentCodeSeconds }),
          `**${verdictWord(tr, c.verdict)}**`,
          f(c.comparison.baselineMedian),
          f(c.comparison.candidateMedian),
          d ? `${f(d.estimate)} [${f(d.low)}, ${f(d.high)}]` : '—',
          p ? tr.number(Math.min(p.pBetter, p.pWorse), 3) : '—',
        ];
      }),
    ),
    '',
    ...v.sloClaims.map(
      (c) =>
        `- ${tr.t(`sloShort.${c.id}`, { seconds: view.targets.paymentCodeSeconds })}: ${sloClaimText(tr, c, v.methods.minRunsPerSide)}`,
    ),
    '',
  );
  out.push(
    ...verificationAlertsMarkdown(
      tr,
      [view.baseline, view.candidate].map((s) => ({ label: sideLabel(tr, s), runs: s.runs })),
    ),
  );
  out.push(`## ${tr.t('section.method')}`, '', ...methodItems(tr, view).map((m) => `- ${m}`), '');
  out.push(`## ${tr.t('section.runs')}`, '');
  out.push(
    table(
      [tr.t('col.order'), tr.t('col.side'), tr.t('col.run'), tr.t('col.exit'), tr.t('col.attempts')],
      [...v.baseline.runs, ...v.candidate.runs]
        .sort((a, b) => a.order - b.order)
        .map((r) => [
          String(r.order + 1),
          tr.t(r.side === 'baseline' ? 'col.baseline' : 'col.candidate'),
          `[${r.id}](${r.dir}/report.html)`,
          `${r.passed ? tr.t('status.pass') : tr.t('status.fail')} (${r.exitCode})`,
          tr.number(r.attempts, 0),
        ]),
    ),
    '',
  );
  const notes = [
    ...view.missingRuns.map((dir) => tr.t('vnote.missingRun', { dir })),
    ...(pdfProblem ? [tr.t('note.noPdf', { reason: pdfProblem })] : []),
  ];
  if (notes.length > 0) out.push(`## ${tr.t('section.notes')}`, '', ...notes.map((n) => `- ${n}`), '');
  out.push(`_${tr.t('md.chartsInHtml')} ${tr.t('footer', { date: tr.dateTime(view.generatedAt) })}_`, '');
  return out.join('\n');
}
