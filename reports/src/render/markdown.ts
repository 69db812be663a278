// report.md: the verdict and the tables for a pull request comment (GitHub-flavoured Markdown). Charts stay
// in report.html: a PR comment cannot carry inline SVG.
import type { Translator } from '../i18n/index.ts';
import type { Journey } from '../journeys.ts';
import {
  formatSloTarget,
  formatSloValue,
  invariantRule,
  metadataRows,
  type ReportModel,
  type RunView,
  reportNotes,
  sloLabel,
} from '../model.ts';
import { timelineMarkdown } from './timeline.ts';
import { budgetSentence, burnText, journeyLabel, journeyText, readinessLabel } from './words.ts';

const READINESS_ICON: Record<Journey['readiness'], string> = {
  ready: '🟢',
  'at-risk': '🟠',
  'not-ready': '🔴',
  'not-tested': '⚪',
};

/** The journeys as a table: one row per journey, one column per side. */
export function journeysTable(tr: Translator, sides: Array<{ label: string; journeys: Journey[] }>): string {
  const ids = sides[0]?.journeys.map((j) => j.id) ?? [];
  return table(
    [tr.t('col.journey'), ...sides.map((s) => s.label)],
    ids.map((id) => {
      const first = sides[0]?.journeys.find((j) => j.id === id);
      return [
        first ? journeyLabel(tr, first) : id,
        ...sides.map((s) => {
          const j = s.journeys.find((x) => x.id === id);
          return j
            ? `${READINESS_ICON[j.readiness]} **${readinessLabel(tr, j)}**: ${journeyText(tr, j)}`
            : '—';
        }),
      ];
    }),
  );
}

/** Table cells must not break the row: pipes escaped, newlines flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function status(tr: Translator, ok: boolean | null): string {
  if (ok === null) return tr.t('value.notMeasured');
  return ok ? `✅ ${tr.t('value.ok')}` : `❌ ${tr.t('value.notOk')}`;
}

export function renderMarkdown(tr: Translator, model: ReportModel, pdfProblem: string | null = null): string {
  const { candidate, baseline, targets } = model;
  const good = model.status === 'pass' || model.status === 'proven';
  const runs: Array<[string, RunView]> = baseline
    ? [
        [`${tr.t('col.baseline')} ${baseline.folder.meta.id}`, baseline],
        [`${tr.t('col.candidate')} ${candidate.folder.meta.id}`, candidate],
      ]
    : [[candidate.folder.meta.id, candidate]];
  const out: string[] = [];
  out.push(`# ${tr.t('title')}: ${candidate.folder.meta.scenario}`, '');
  out.push(
    `> ${good ? '✅' : '❌'} **${tr.t(`status.${model.status}`)}**: ${model.sentence}`,
    '>',
    `> ${model.lead}`,
    '',
  );

  out.push(`## ${tr.t('journeys.title')}`, '');
  out.push(
    journeysTable(
      tr,
      baseline
        ? [
            { label: tr.t('col.baseline'), journeys: baseline.journeys },
            { label: tr.t('col.candidate'), journeys: candidate.journeys },
          ]
        : [{ label: tr.t('col.thisRun'), journeys: candidate.journeys }],
    ),
    '',
  );

  out.push(`## ${tr.t('section.slos')}`, '');
  out.push(
    table(
      [
        tr.t('col.objective'),
        tr.t('col.target'),
        ...(baseline ? [tr.t('col.baseline')] : []),
        baseline ? tr.t('col.candidate') : tr.t('col.thisRun'),
        tr.t('col.status'),
      ],
      candidate.slos.map((slo) => [
        sloLabel(tr, slo, targets),
        formatSloTarget(tr, slo),
        ...(baseline
          ? [
              formatSloValue(
                tr,
                baseline.slos.find((s) => s.id === slo.id),
              ),
            ]
          : []),
        formatSloValue(tr, slo),
        status(tr, slo.ok),
      ]),
    ),
    '',
  );

  out.push(`## ${tr.t('section.budget')}`, '');
  if (candidate.budgets.length === 0) out.push(tr.t('budget.none'), '');
  else {
    const days = candidate.budgets[0]?.windowDays ?? 30;
    out.push(
      table(
        [
          tr.t('col.objective'),
          tr.t('col.allowed'),
          tr.t('col.bad'),
          tr.t('col.burn'),
          tr.t('col.exhausted', { days }),
        ],
        candidate.budgets.map((b) => {
          const slo = candidate.slos.find((x) => x.id === b.id);
          return [
            slo ? sloLabel(tr, slo, targets) : b.id,
            tr.percent(b.allowedBadShare, 2),
            tr.percent(b.badShare, 2),
            burnText(tr, b),
            b.exhaustedAfterMs === null || b.burnRate === 0
              ? tr.t('budget.forever')
              : tr.duration(b.exhaustedAfterMs),
          ];
        }),
      ),
      '',
      ...candidate.budgets
        .filter((b) => b.burnRate > 1)
        .map(
          (b) =>
            `- ${budgetSentence(
              tr,
              b,
              candidate.slos.find((x) => x.id === b.id),
            )}`,
        ),
      '',
    );
  }

  out.push(...timelineMarkdown(tr, candidate));
  out.push(`## ${tr.t('section.thresholds')}`, '');
  const thresholdRows = runs.flatMap(([name, view]) =>
    view.thresholds.map((t) => [name, `\`${t.metric}\``, `\`${t.expression}\``, status(tr, t.ok)]),
  );
  out.push(
    thresholdRows.length > 0
      ? table([tr.t('col.run'), tr.t('col.metric'), tr.t('col.threshold'), tr.t('col.status')], thresholdRows)
      : tr.t('thresholds.none'),
    '',
  );

  out.push(`## ${tr.t('section.invariants')}`, '');
  for (const [name, view] of runs) {
    if (runs.length > 1) out.push(`### ${name}`, '');
    const inv = view.folder.invariants;
    if (!inv) {
      out.push(tr.t('invariants.missing'), '');
      continue;
    }
    out.push(
      table(
        [tr.t('col.invariant'), tr.t('col.violations'), tr.t('col.status'), tr.t('col.examples')],
        inv.invariants.map((i) => [
          `\`${i.name}\`${invariantRule(tr, i) ? `: ${invariantRule(tr, i)}` : ''}`,
          tr.number(i.violations, 0),
          status(tr, i.violations === 0),
          i.examples
            .slice(0, 2)
            .map((x) => `\`${(typeof x === 'string' ? x : JSON.stringify(x)).slice(0, 120)}\``)
            .join(' '),
        ]),
      ),
      '',
    );
  }

  out.push(`## ${tr.t('section.method')}`, '');
  out.push(
    ...[
      tr.t('method.invariants'),
      tr.t('method.slos'),
      tr.t('method.paymentCode'),
      tr.t('method.budget', { days: candidate.budgets[0]?.windowDays ?? 30 }),
    ].map((m) => `- ${m}`),
    '',
  );

  out.push(`## ${tr.t('section.metadata')}`, '');
  const cand = metadataRows(tr, candidate);
  const base = baseline ? metadataRows(tr, baseline) : null;
  out.push(
    table(
      base
        ? [tr.t('col.field'), tr.t('col.baseline'), tr.t('col.candidate')]
        : [tr.t('col.field'), tr.t('col.thisRun')],
      cand.map(([label, value], i) => (base ? [label, base[i]?.[1] ?? '—', value] : [label, value])),
    ),
    '',
  );
  const notes = reportNotes(tr, model, pdfProblem);
  if (notes.length > 0) out.push(`## ${tr.t('section.notes')}`, '', ...notes.map((n) => `- ${n}`), '');
  out.push(`_${tr.t('md.chartsInHtml')} ${tr.t('footer', { date: tr.dateTime(model.generatedAt) })}_`, '');
  return out.join('\n');
}
