// The comparison report of a verification (report.html in the verification folder): the outcome, the
// journeys of both sides, each defect and SLO claim with its statistics, the per-run figures, the error
// budgets, one run per side over time, how this was judged, and every run in the order it was made.
import type { SloClaimId } from '../contract/schemas.ts';
import type { Translator } from '../i18n/index.ts';
import type { SideView, VerificationView } from '../verification.ts';
import { stripChartSvg } from './charts.ts';
import { formatFigure, verdictWord } from './claims.ts';
import { escapeHtml as e } from './escape.ts';
import { htmlTable, journeyCards, page, pill } from './page.ts';
import { PALETTE, runCharts } from './run-charts.ts';
import { verificationAlertsHtml } from './timeline.ts';
import {
  type Cell,
  type ClaimTable,
  defectClaimTable,
  sloClaimTable,
  verificationNotes,
} from './verification-tables.ts';

export function verificationOk(view: VerificationView): boolean {
  return view.verification.outcome.exitCode === 0;
}

/** The outcome in the reader's language: what was verified, what regressed, what is not proven. */
export function outcomeSentence(tr: Translator, view: VerificationView): string {
  const o = view.verification.outcome;
  const parts: string[] = [];
  if (o.verified.length > 0) parts.push(tr.t('voutcome.verified', { list: tr.list(o.verified) }));
  if (o.regressed.length > 0) parts.push(tr.t('voutcome.regressed', { list: tr.list(o.regressed) }));
  if (o.unproven.length > 0) parts.push(tr.t('voutcome.unproven', { list: tr.list(o.unproven) }));
  return parts.length > 0 ? parts.join(' ') : tr.t('voutcome.nothing');
}

export function sideLabel(tr: Translator, side: SideView): string {
  return `${tr.t(side.side === 'baseline' ? 'col.baseline' : 'col.candidate')} (${side.label})`;
}

/** A format-neutral claim table (verification-tables.ts) as an HTML table with a reason per row. */
function claimTableHtml(table: ClaimTable, className: string): string {
  const cell = (c: Cell): string => {
    if (c.kind === 'code')
      return `<td><code>${e(c.text)}</code>${c.note ? ` <span class="muted">(${e(c.note)})</span>` : ''}</td>`;
    if (c.kind === 'verdict') return `<td>${pill(c.verdict, c.text)}</td>`;
    const sub = c.sub ? `<br><span class="muted">${e(c.sub)}</span>` : '';
    return `<td${c.kind === 'num' ? ' class="num"' : ''}>${e(c.text)}${sub}</td>`;
  };
  return htmlTable(
    table.headers,
    table.rows.map((row) => row.map(cell)),
    className,
    table.reasons,
  );
}

const SLO_LIMIT: Record<SloClaimId, (v: VerificationView) => number> = {
  availability: (v) => v.targets.availability,
  latencyP95: (v) => v.targets.latencyP95Ms,
  latencyP99: (v) => v.targets.latencyP99Ms,
  paymentCode: (v) => v.targets.paymentCodeShare,
};

/** The statistics' own evidence: one dot per run and side, for every SLO and every invariant claim. */
export function perRunCharts(tr: Translator, view: VerificationView): string[] {
  const v = view.verification;
  const groups = (values: { baseline: Array<number | null>; candidate: Array<number | null> }) => [
    { label: tr.t('col.baseline'), color: PALETTE.base99, values: values.baseline },
    { label: tr.t('col.candidate'), color: PALETTE.p95, values: values.candidate },
  ];
  const out: string[] = [];
  for (const c of v.sloClaims) {
    const title = tr.t(`sloShort.${c.id}`, { seconds: view.targets.paymentCodeSeconds });
    const limit = c.target || SLO_LIMIT[c.id](view);
    out.push(
      `<figure class="chart-figure"><figcaption>${e(title)} ${pill(c.verdict, verdictWord(tr, c.verdict))}</figcaption>${stripChartSvg(
        {
          title,
          groups: groups({ baseline: c.comparison.baseline, candidate: c.comparison.candidate }),
          refLines: [{ y: limit, label: `${c.op === '>=' ? '≥' : '≤'} ${formatFigure(tr, c.unit, limit)}` }],
          noData: tr.t('value.notMeasured'),
          formatY: (x) => formatFigure(tr, c.unit, x),
        },
      )}</figure>`,
    );
  }
  for (const c of v.defectClaims) {
    if (c.evidence.type !== 'invariant') continue;
    const title = `${c.id} · ${c.evidence.invariant}`;
    out.push(
      `<figure class="chart-figure"><figcaption>${e(title)} ${pill(c.verdict, verdictWord(tr, c.verdict))}</figcaption>${stripChartSvg(
        {
          title,
          groups: groups({ baseline: c.baselineViolations, candidate: c.candidateViolations }),
          refLines: [{ y: 0, label: '0', color: PALETTE.ok }],
          noData: tr.t('value.notMeasured'),
          formatY: (x) => tr.number(x, 0),
        },
      )}</figure>`,
    );
  }
  return out;
}

function budgetTable(tr: Translator, view: VerificationView): string {
  const ids = [...new Set([...view.baseline.burn, ...view.candidate.burn].map((b) => b.id))];
  if (ids.length === 0) return `<p class="muted">${e(tr.t('budget.none'))}</p>`;
  const days = view.candidate.burn[0]?.windowDays ?? view.baseline.burn[0]?.windowDays ?? 30;
  const burn = (x: number | undefined) => (x === undefined ? '—' : `${tr.number(x, x < 10 ? 2 : 0)}×`);
  const rows = ids.map((id) => {
    const b = view.baseline.burn.find((x) => x.id === id);
    const c = view.candidate.burn.find((x) => x.id === id);
    const lasts =
      c === undefined
        ? '—'
        : c.medianBurnRate > 0
          ? tr.duration((c.windowDays * 86_400_000) / c.medianBurnRate)
          : tr.t('budget.forever');
    return [
      `<td>${e(tr.t(`sloShort.${id}`, { seconds: view.targets.paymentCodeSeconds }))}</td>`,
      `<td class="num">${e(tr.percent((b ?? c)?.allowedBadShare ?? 0, 2))}</td>`,
      `<td class="num"><span class="${(b?.medianBurnRate ?? 0) > 1 ? 'bad' : 'ok'}">${e(burn(b?.medianBurnRate))}</span></td>`,
      `<td class="num"><span class="${(c?.medianBurnRate ?? 0) > 1 ? 'bad' : 'ok'}">${e(burn(c?.medianBurnRate))}</span></td>`,
      `<td class="num">${e(lasts)}</td>`,
    ];
  });
  return `<p>${e(tr.t('vbudget.intro', { days }))}</p>${htmlTable(
    [
      tr.t('col.objective'),
      tr.t('col.allowed'),
      `${tr.t('col.baseline')}: ${tr.t('col.medianBurn')}`,
      `${tr.t('col.candidate')}: ${tr.t('col.medianBurn')}`,
      tr.t('col.candidateLasts', { days }),
    ],
    rows,
    'budget',
  )}<p class="muted">${e(tr.t('budget.invariants'))}</p>`;
}

/** "How this was judged": in English verification.json's own words; in Indonesian, the same, translated. */
export function methodItems(tr: Translator, view: VerificationView): string[] {
  const m = view.verification.methods;
  const params = {
    alpha: tr.percent(m.alpha, 1),
    confidence: tr.percent(m.confidence, 0),
    resamples: tr.number(m.bootstrapResamples, 0),
    min: m.minRunsPerSide,
  };
  const own = tr.lang === 'en';
  const items = [
    own ? m.invariants : tr.t('vmethod.invariants', params),
    own ? m.slos : tr.t('vmethod.slos', params),
    own ? m.calibration : tr.t('vmethod.calibration', params),
    tr.t('method.alpha', {
      alpha: tr.number(m.alpha, 2),
      confidence: tr.percent(m.confidence, 0),
      min: m.minRunsPerSide,
      resamples: tr.number(m.bootstrapResamples, 0),
    }),
    tr.t('method.order', {
      order: view.verification.order.map((s) => (s === 'baseline' ? 'A' : 'B')).join(' '),
    }),
    tr.t('method.freshDatabase', { note: view.verification.freshDatabase.note }),
    tr.t('method.paymentCode'),
    tr.t('vmethod.journeys'),
  ];
  if (view.verification.notExamined.length > 0) {
    items.push(
      tr.t('method.notExamined', {
        list: tr.list(
          view.verification.notExamined.map((n) => (n.scenario ? `${n.defect} (→ ${n.scenario})` : n.defect)),
        ),
      }),
    );
  }
  return items;
}

function runsTable(tr: Translator, view: VerificationView): string {
  const all = [...view.verification.baseline.runs, ...view.verification.candidate.runs].sort(
    (a, b) => a.order - b.order,
  );
  const rows = all.map((r) => [
    `<td class="num">${r.order + 1}</td>`,
    `<td>${e(tr.t(r.side === 'baseline' ? 'col.baseline' : 'col.candidate'))}</td>`,
    `<td><code>${e(r.id)}</code></td>`,
    `<td class="num">${r.passed ? `<span class="ok">${e(tr.t('status.pass'))}</span>` : `<span class="bad">${e(tr.t('status.fail'))}</span>`} (${r.exitCode})</td>`,
    `<td class="num">${e(tr.number(r.attempts, 0))}</td>`,
    `<td><a href="${e(`${r.dir}/report.html`)}">${e(r.dir)}</a></td>`,
  ]);
  return htmlTable(
    [
      tr.t('col.order'),
      tr.t('col.side'),
      tr.t('col.run'),
      tr.t('col.exit'),
      tr.t('col.attempts'),
      tr.t('col.report'),
    ],
    rows,
    'runs',
  );
}

function detailsTable(tr: Translator, view: VerificationView): string {
  const v = view.verification;
  const rows: Array<[string, string]> = [
    ['id', v.id],
    [tr.t('meta.scenario'), `${v.scenario}${v.short ? ' (--short)' : ''}`],
    [tr.t('col.baseline'), `${v.baseline.label}: ${v.baseline.defects.join(', ') || '—'}`],
    [tr.t('col.candidate'), `${v.candidate.label}: ${v.candidate.defects.join(', ') || '—'}`],
    [tr.t('meta.engine'), v.engine],
    [tr.t('meta.startedAt'), tr.dateTime(v.startedAt)],
    [tr.t('meta.endedAt'), tr.dateTime(v.endedAt)],
    [tr.t('meta.gitCommit'), `${v.git.commit ?? '—'}${v.git.dirty ? ' (dirty)' : ''}`],
    [
      tr.t('meta.machine'),
      `${v.machine.cpuModel}, ${v.machine.cpus} CPU, ${tr.number(v.machine.memoryBytes / 2 ** 30, 1)} GiB, ${v.machine.platform} ${v.machine.release}`,
    ],
  ];
  return `<table class="meta"><tbody>${rows.map(([k, val]) => `<tr><th scope="row">${e(k)}</th><td>${e(val)}</td></tr>`).join('')}</tbody></table>`;
}

export function renderVerificationHtml(
  tr: Translator,
  view: VerificationView,
  pdfProblem: string | null = null,
): string {
  const v = view.verification;
  const ok = verificationOk(view);
  const firstOf = (side: SideView) => side.runs[0];
  const b = firstOf(view.baseline);
  const c = firstOf(view.candidate);
  const sides = [
    ...(b ? [{ role: 'baseline' as const, folder: b.folder, faults: b.faults }] : []),
    ...(c ? [{ role: 'candidate' as const, folder: c.folder, faults: c.faults }] : []),
  ];
  const notes = verificationNotes(tr, view, pdfProblem);
  const body = `<h2>${e(tr.t('journeys.title'))}</h2>
${journeyCards(tr, [
  { label: sideLabel(tr, view.baseline), journeys: view.baseline.journeys },
  { label: sideLabel(tr, view.candidate), journeys: view.candidate.journeys },
])}
<h2>${e(tr.t('section.defectClaims'))}</h2>
${claimTableHtml(defectClaimTable(tr, view), 'claims defects')}
<h2>${e(tr.t('section.sloClaims'))}</h2>
${claimTableHtml(sloClaimTable(tr, view), 'claims slos')}
<h2>${e(tr.t('section.perRun'))}</h2>
<p class="muted">${e(tr.t('vcharts.perRun'))}</p>
<div class="strips">${perRunCharts(tr, view).join('\n')}</div>
<h2>${e(tr.t('section.budget'))}</h2>
${budgetTable(tr, view)}
<h2>${e(tr.t('vcharts.overTime'))}</h2>
<div class="charts">${runCharts(tr, sides, view.targets).join('\n')}</div>
${verificationAlertsHtml(
  tr,
  [view.baseline, view.candidate].map((s) => ({ label: sideLabel(tr, s), runs: s.runs })),
)}
<h2>${e(tr.t('section.method'))}</h2>
<ul class="method">${methodItems(tr, view)
    .map((m) => `<li>${e(m)}</li>`)
    .join('')}</ul>
<h2>${e(tr.t('section.runs'))}</h2>
${runsTable(tr, view)}
<h2>${e(tr.t('section.metadata'))}</h2>
${detailsTable(tr, view)}
${notes.length > 0 ? `<h2>${e(tr.t('section.notes'))}</h2><ul>${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : ''}`;
  return page({
    lang: tr.lang,
    title: `${tr.t('vtitle')} · ${v.scenario} · ${v.id}`,
    heading: tr.t('vtitle'),
    subtitle: tr.t('vsubtitle', {
      scenario: v.scenario,
      baseline: v.baseline.label,
      candidate: v.candidate.label,
      runs: v.runsPerSide,
    }),
    verdict: {
      good: ok,
      status: ok ? 'verified' : 'not-verified',
      badge: tr.t(ok ? 'vstatus.verified' : 'vstatus.not-verified'),
      sentence: outcomeSentence(tr, view),
      lead: tr.t(ok ? 'vlead.ok' : 'vlead.bad'),
    },
    body,
    footer: tr.t('footer', { date: tr.dateTime(view.generatedAt) }),
  });
}
