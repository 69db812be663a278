// report.md of a verification: the outcome, the journeys, the claims with their statistics, the
// budgets and how this was judged, as GitHub-flavoured Markdown tables for a pull request.
import type { Translator } from '../i18n/index.ts';
import type { VerificationView } from '../verification.ts';
import { journeysTable, table } from './markdown.ts';
import { verificationAlertsMarkdown } from './timeline.ts';
import { methodItems, outcomeSentence, sideLabel, verificationOk } from './verification-html.ts';
import {
  type Cell,
  type ClaimTable,
  defectClaimTable,
  sloClaimTable,
  verificationNotes,
} from './verification-tables.ts';

/** A format-neutral claim table (verification-tables.ts) as Markdown, the reason as the last column. */
function claimTableMd(tr: Translator, claims: ClaimTable): string {
  const cell = (c: Cell): string => {
    if (c.kind === 'code') return `\`${c.text}\`${c.note ? ` (${c.note})` : ''}`;
    if (c.kind === 'verdict') return `**${c.text}**`;
    return c.sub ? `${c.text} ${c.sub}` : c.text;
  };
  return table(
    [...claims.headers, tr.t('col.reason')],
    claims.rows.map((row, i) => [...row.map(cell), claims.reasons[i] ?? '']),
  );
}

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
  out.push(`## ${tr.t('section.defectClaims')}`, '', claimTableMd(tr, defectClaimTable(tr, view)), '');
  out.push(`## ${tr.t('section.sloClaims')}`, '', claimTableMd(tr, sloClaimTable(tr, view)), '');
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
  const notes = verificationNotes(tr, view, pdfProblem);
  if (notes.length > 0) out.push(`## ${tr.t('section.notes')}`, '', ...notes.map((n) => `- ${n}`), '');
  out.push(`_${tr.t('md.chartsInHtml')} ${tr.t('footer', { date: tr.dateTime(view.generatedAt) })}_`, '');
  return out.join('\n');
}
