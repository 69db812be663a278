// report.html of a run: the journeys first, then the SLOs and their error budgets, the charts, the
// invariants and the rest of the evidence, on the shared self-contained page (page.ts).
import type { Translator } from '../i18n/index.ts';
import {
  formatSloFigure,
  formatSloTarget,
  invariantRule,
  metadataRows,
  type ReportModel,
  type RunView,
  reportNotes,
  sloLabel,
} from '../model.ts';
import { counterIncreases, EVENT_LOOP_LAG_P99, failedScrapes, serverSeries } from '../server.ts';
import type { SloResult } from '../slo.ts';
import { type ChartSeries, hasData, lineChartSvg } from './charts.ts';
import { escapeHtml as e } from './escape.ts';
import { htmlTable, journeyCards, page } from './page.ts';
import { PALETTE, type RunSide, runCharts } from './run-charts.ts';
import { timelineHtml } from './timeline.ts';
import { budgetSentence, burnText } from './words.ts';

/** Colours readable by most colour-blind readers: candidate in blues, baseline in greys, dashed. */
const CANDIDATE = PALETTE.p95;
const BASELINE = PALETTE.base95;

function statusCell(tr: Translator, ok: boolean | null): string {
  if (ok === null) return `<span class="muted">${e(tr.t('value.notMeasured'))}</span>`;
  return ok
    ? `<span class="ok">${e(tr.t('value.ok'))}</span>`
    : `<span class="bad">${e(tr.t('value.notOk'))}</span>`;
}

/** A figure coloured by its own result, with the word in a tooltip and for screen readers. */
function figureCell(tr: Translator, slo: SloResult | undefined): string {
  const ok = slo?.ok ?? null;
  const word = ok === null ? '' : ok ? tr.t('value.ok') : tr.t('value.notOk');
  const cls = ok === null ? 'muted' : ok ? 'ok' : 'bad';
  return `<td class="num"><span class="${cls}" title="${e(word)}">${e(formatSloFigure(tr, slo))}</span>${word ? `<span class="sr"> (${e(word)})</span>` : ''}</td>`;
}

function sloTable(tr: Translator, model: ReportModel): string {
  const { candidate, baseline, targets } = model;
  const head = [
    tr.t('col.objective'),
    tr.t('col.target'),
    ...(baseline ? [tr.t('col.baseline')] : []),
    baseline ? tr.t('col.candidate') : tr.t('col.thisRun'),
    tr.t('col.status'),
    tr.t('col.source'),
  ];
  const rows = candidate.slos.map((slo) => {
    const base = baseline?.slos.find((s) => s.id === slo.id);
    const cells = [
      `<td>${e(sloLabel(tr, slo, targets))}</td>`,
      `<td class="num">${e(formatSloTarget(tr, slo))}</td>`,
      ...(baseline ? [figureCell(tr, base)] : []),
      figureCell(tr, slo),
      `<td>${statusCell(tr, slo.ok)}</td>`,
      `<td><code>${e(slo.source ?? '—')}</code></td>`,
    ];
    return `<tr data-slo="${slo.id}">${cells.join('')}</tr>`;
  });
  return `<table class="slos"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function runName(tr: Translator, view: RunView, role: 'baseline' | 'candidate' | 'single'): string {
  if (role === 'single') return view.folder.meta.id;
  return `${tr.t(role === 'baseline' ? 'col.baseline' : 'col.candidate')}: ${view.folder.meta.id}`;
}

function thresholdsTable(tr: Translator, runs: Array<[string, RunView]>): string {
  const rows = runs.flatMap(([name, view]) =>
    view.thresholds.map(
      (t) =>
        `<tr><td>${e(name)}</td><td><code>${e(t.metric)}</code></td><td><code>${e(t.expression)}</code></td><td>${statusCell(tr, t.ok)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return `<p class="muted">${e(tr.t('thresholds.none'))}</p>`;
  return `<table><thead><tr><th>${e(tr.t('col.run'))}</th><th>${e(tr.t('col.metric'))}</th><th>${e(tr.t('col.threshold'))}</th><th>${e(tr.t('col.status'))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const MAX_EXAMPLES = 3;

function exampleText(example: unknown): string {
  const text = typeof example === 'string' ? example : JSON.stringify(example);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function invariantsBlock(tr: Translator, name: string, view: RunView): string {
  const inv = view.folder.invariants;
  if (!inv) return `<h3>${e(name)}</h3><p class="muted">${e(tr.t('invariants.missing'))}</p>`;
  const rows = inv.invariants.map((i) => {
    const shown = i.examples.slice(0, MAX_EXAMPLES).map((x) => `<pre>${e(exampleText(x))}</pre>`);
    const more = i.examples.length - MAX_EXAMPLES;
    if (more > 0)
      shown.push(`<span class="muted">${e(tr.t('invariants.moreExamples', { count: more }))}</span>`);
    const rule = invariantRule(tr, i);
    return `<tr><td><code>${e(i.name)}</code>${rule ? `<br><span class="muted">${e(rule)}</span>` : ''}</td><td class="num">${e(tr.number(i.violations, 0))}</td><td>${statusCell(tr, i.violations === 0)}</td><td>${shown.join('')}</td></tr>`;
  });
  const summary = inv.invariants.every((i) => i.violations === 0)
    ? `<p>${e(tr.t('invariants.none'))}</p>`
    : '';
  return `<h3>${e(name)}</h3>${summary}<table><thead><tr><th>${e(tr.t('col.invariant'))}</th><th>${e(tr.t('col.violations'))}</th><th>${e(tr.t('col.status'))}</th><th>${e(tr.t('col.examples'))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function checksTable(tr: Translator, runs: Array<[string, RunView]>): string {
  const rows = runs.flatMap(([name, view]) =>
    view.checks.map(
      (c) =>
        `<tr><td>${e(name)}</td><td>${e(c.group ? `${c.group} › ${c.name}` : c.name)}</td><td class="num">${e(tr.number(c.passes, 0))}</td><td class="num">${e(tr.number(c.fails, 0))}</td><td>${statusCell(tr, c.fails === 0)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return `<p class="muted">${e(tr.t('checks.none'))}</p>`;
  return `<table><thead><tr><th>${e(tr.t('col.run'))}</th><th>${e(tr.t('col.check'))}</th><th>${e(tr.t('col.passes'))}</th><th>${e(tr.t('col.fails'))}</th><th>${e(tr.t('col.status'))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function serverSection(tr: Translator, model: ReportModel): string {
  const runs: Array<[string, RunView, 'baseline' | 'candidate']> = [
    ...(model.baseline
      ? [[tr.t('col.baseline'), model.baseline, 'baseline'] as [string, RunView, 'baseline']]
      : []),
    [model.baseline ? tr.t('col.candidate') : tr.t('col.thisRun'), model.candidate, 'candidate'],
  ];
  if (runs.every(([, view]) => view.folder.server.length === 0)) {
    return `<p class="muted">${e(tr.t('server.none'))}</p>`;
  }
  const parts: string[] = [];
  const lag: ChartSeries[] = runs.map(([, view, role]) => ({
    label: model.baseline ? tr.t(`series.${role}`) : view.folder.meta.id,
    points: serverSeries(view.folder.server, EVENT_LOOP_LAG_P99, 1000),
    color: role === 'baseline' ? BASELINE : CANDIDATE,
    dashed: role === 'baseline',
  }));
  if (hasData(lag)) {
    const spec = {
      title: tr.t('chart.eventLoop'),
      xLabel: tr.t('chart.xAxis'),
      noData: tr.t('chart.noData'),
      series: lag,
      formatY: (v: number) => tr.number(v, 0),
    };
    parts.push(
      `<figure class="chart-figure"><figcaption>${e(spec.title)}</figcaption>${lineChartSvg(spec)}</figure>`,
    );
  }
  const increases = runs.map(([, view]) => counterIncreases(view.folder.server));
  const keys = [...new Set(increases.flatMap((m) => [...m.keys()]))].sort();
  if (keys.length > 0) {
    const head = [tr.t('col.counter'), ...runs.map(([name]) => name)];
    const rows = keys.map(
      (key) =>
        `<tr><td><code>${e(key)}</code></td>${increases.map((m) => `<td class="num">${m.has(key) ? e(tr.number(m.get(key) ?? 0, 0)) : '—'}</td>`).join('')}</tr>`,
    );
    parts.push(
      `<table class="server"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  for (const [name, view] of runs) {
    const failed = failedScrapes(view.folder.server);
    if (failed > 0) parts.push(`<p>${e(name)}: ${e(tr.t('server.scrapeErrors', { count: failed }))}</p>`);
  }
  return parts.join('\n');
}

function metadataTable(tr: Translator, model: ReportModel): string {
  const cand = metadataRows(tr, model.candidate);
  const base = model.baseline ? metadataRows(tr, model.baseline) : null;
  const head = base
    ? `<tr><th>${e(tr.t('col.field'))}</th><th>${e(tr.t('col.baseline'))}</th><th>${e(tr.t('col.candidate'))}</th></tr>`
    : `<tr><th>${e(tr.t('col.field'))}</th><th>${e(tr.t('col.thisRun'))}</th></tr>`;
  const rows = cand.map(([label, value], i) => {
    const b = base ? `<td>${e(base[i]?.[1] ?? '—')}</td>` : '';
    return `<tr><th scope="row">${e(label)}</th>${b}<td>${e(value)}</td></tr>`;
  });
  return `<table class="meta"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function runsOf(tr: Translator, model: ReportModel): Array<[string, RunView]> {
  if (!model.baseline) return [[runName(tr, model.candidate, 'single'), model.candidate]];
  return [
    [runName(tr, model.baseline, 'baseline'), model.baseline],
    [runName(tr, model.candidate, 'candidate'), model.candidate],
  ];
}

function budgetSection(tr: Translator, model: ReportModel): string {
  const view = model.candidate;
  if (view.budgets.length === 0) return `<p class="muted">${e(tr.t('budget.none'))}</p>`;
  const days = view.budgets[0]?.windowDays ?? 30;
  const rows = view.budgets.map((b) => {
    const slo = view.slos.find((s) => s.id === b.id);
    const detail = b.events
      ? ` (${tr.t('budget.events', { bad: tr.number(b.events.bad, 0), total: tr.number(b.events.total, 0) })})`
      : b.basis === 'percentiles'
        ? ` (${tr.t('budget.estimated')})`
        : '';
    const over = b.burnRate > 1;
    return [
      `<td>${e(slo ? sloLabel(tr, slo, model.targets) : b.id)}</td>`,
      `<td class="num">${e(tr.percent(b.allowedBadShare, 2))}</td>`,
      `<td class="num">${e(tr.percent(b.badShare, 2))}<span class="muted">${e(detail)}</span></td>`,
      `<td class="num"><span class="${over ? 'bad' : 'ok'}">${e(burnText(tr, b))}</span></td>`,
      `<td class="num">${e(b.exhaustedAfterMs === null || b.burnRate === 0 ? tr.t('budget.forever') : tr.duration(b.exhaustedAfterMs))}</td>`,
      `<td class="num">${e(tr.percent(b.spentShare, b.spentShare < 0.001 ? 4 : 2))}</td>`,
    ];
  });
  const sentences = view.budgets
    .filter((b) => b.burnRate > 1)
    .map((b) => {
      const slo = view.slos.find((s) => s.id === b.id);
      return `<li><strong>${e(slo ? sloLabel(tr, slo, model.targets) : b.id)}</strong>: ${e(budgetSentence(tr, b, slo))}</li>`;
    });
  return `<p>${e(tr.t('budget.intro', { days }))}</p>${htmlTable(
    [
      tr.t('col.objective'),
      tr.t('col.allowed'),
      tr.t('col.bad'),
      tr.t('col.burn'),
      tr.t('col.exhausted', { days }),
      tr.t('col.spent'),
    ],
    rows,
    'budget',
  )}${sentences.length > 0 ? `<ul>${sentences.join('')}</ul>` : ''}<p class="muted">${e(tr.t('budget.invariants'))}</p>`;
}

function methodSection(tr: Translator, model: ReportModel): string {
  const days = model.candidate.budgets[0]?.windowDays ?? 30;
  const items = [
    tr.t('method.invariants'),
    tr.t('method.slos'),
    tr.t('method.paymentCode'),
    tr.t('method.budget', { days }),
  ];
  return `<ul class="method">${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;
}

function sides(model: ReportModel): RunSide[] {
  const out: RunSide[] = [];
  if (model.baseline)
    out.push({ role: 'baseline', folder: model.baseline.folder, faults: model.baseline.faults });
  out.push({
    role: model.baseline ? 'candidate' : null,
    folder: model.candidate.folder,
    faults: model.candidate.faults,
  });
  return out;
}

/** The body of a run report (one run, or a candidate against a baseline run), without the page around it. */
export function runReportBody(tr: Translator, model: ReportModel, pdfProblem: string | null = null): string {
  const runs = runsOf(tr, model);
  const notes = reportNotes(tr, model, pdfProblem);
  const journeySides = model.baseline
    ? [
        { label: tr.t('col.baseline'), journeys: model.baseline.journeys },
        { label: tr.t('col.candidate'), journeys: model.candidate.journeys },
      ]
    : [{ label: null, journeys: model.candidate.journeys }];
  return `<h2>${e(tr.t('journeys.title'))}</h2>
${journeyCards(tr, journeySides)}
<h2>${e(tr.t('section.slos'))}</h2>
${sloTable(tr, model)}
<h2>${e(tr.t('section.budget'))}</h2>
${budgetSection(tr, model)}
<h2>${e(tr.t('section.charts'))}</h2>
<div class="charts">${runCharts(tr, sides(model), model.targets).join('\n')}</div>
${timelineHtml(tr, model.candidate)}
<h2>${e(tr.t('section.invariants'))}</h2>
${runs.map(([name, view]) => invariantsBlock(tr, name, view)).join('\n')}
<h2>${e(tr.t('section.thresholds'))}</h2>
${thresholdsTable(tr, runs)}
<h2>${e(tr.t('section.server'))}</h2>
${serverSection(tr, model)}
<h2>${e(tr.t('section.checks'))}</h2>
${checksTable(tr, runs)}
<h2>${e(tr.t('section.method'))}</h2>
${methodSection(tr, model)}
<h2>${e(tr.t('section.metadata'))}</h2>
${metadataTable(tr, model)}
${notes.length > 0 ? `<h2>${e(tr.t('section.notes'))}</h2><ul>${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : ''}`;
}

export function renderHtml(tr: Translator, model: ReportModel, pdfProblem: string | null = null): string {
  const good = model.status === 'pass' || model.status === 'proven';
  const scenario = model.candidate.folder.meta.scenario;
  return page({
    lang: tr.lang,
    title: `${tr.t('title')} · ${scenario} · ${model.candidate.folder.meta.id}`,
    heading: tr.t('title'),
    subtitle: tr.t('subtitle', { scenario }),
    verdict: {
      good,
      status: model.status,
      badge: tr.t(`status.${model.status}`),
      sentence: model.sentence,
      lead: model.lead,
    },
    body: runReportBody(tr, model, pdfProblem),
    footer: tr.t('footer', { date: tr.dateTime(model.generatedAt) }),
  });
}
