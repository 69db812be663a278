// report.html: one self-contained page (inline CSS and SVG, system fonts, no script, no network), so it
// can be mailed, archived with the run, or printed to PDF exactly as it looks.
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
import { errorRateSeries, latencySeries, requestRateSeries } from '../timeseries.ts';
import { type ChartSeries, hasData, lineChartSvg } from './charts.ts';
import { escapeHtml as e } from './escape.ts';

const CSS = `
:root { color-scheme: light; --ok: #1a7f37; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 0 auto;
  max-width: 980px; padding: 24px; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0; } h2 { font-size: 1.2rem; margin: 28px 0 8px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 16px 0 4px; }
.subtitle { color: var(--muted); margin: 2px 0 16px; }
.verdict { border-radius: 8px; padding: 14px 18px; border: 2px solid; }
.verdict.good { border-color: var(--ok); background: #dafbe1; } .verdict.bad { border-color: var(--bad); background: #ffebe9; }
.verdict .badge { font-weight: 700; letter-spacing: .04em; }
.verdict p { margin: 6px 0 0; } .verdict .sentence { font-size: 1.1rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f6f8fa; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; } .muted { color: var(--muted); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .82rem; }
pre { margin: 2px 0; white-space: pre-wrap; word-break: break-all; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg .grid { stroke: #eaeef2; } svg .axis { stroke: #8c959f; }
svg .tick, svg .legend, svg .axis-label, svg .chart-empty { font-size: 11px; fill: #57606a; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
table.slos td:first-child { min-width: 16em; } table.slos code { word-break: break-all; }
footer { margin-top: 32px; color: var(--muted); font-size: .8rem; }
@media print { body { padding: 0; } h2 { break-after: avoid; } svg.chart, table { break-inside: avoid; } }
`;

/** Colours readable by most colour-blind readers: candidate in blues, baseline in greys, dashed. */
const CANDIDATE_COLORS = {
  p50: '#54aeff',
  p95: '#0969da',
  p99: '#0a3069',
  main: '#0969da',
  error: '#cf222e',
};
const BASELINE_COLORS = { p50: '#afb8c1', p95: '#8c959f', p99: '#57606a', main: '#8c959f', error: '#8c959f' };

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

function charts(tr: Translator, model: ReportModel): string {
  const cand = model.candidate.folder.timeseries;
  const base = model.baseline?.folder.timeseries ?? null;
  const candLabel = tr.t('series.candidate');
  const baseLabel = tr.t('series.baseline');
  const cl = latencySeries(cand);
  const latency: ChartSeries[] = base
    ? [
        {
          label: `${baseLabel} p95`,
          points: latencySeries(base).p95,
          color: BASELINE_COLORS.p95,
          dashed: true,
        },
        {
          label: `${baseLabel} p99`,
          points: latencySeries(base).p99,
          color: BASELINE_COLORS.p99,
          dashed: true,
        },
        { label: `${candLabel} p95`, points: cl.p95, color: CANDIDATE_COLORS.p95 },
        { label: `${candLabel} p99`, points: cl.p99, color: CANDIDATE_COLORS.p99 },
      ]
    : [
        { label: 'p50', points: cl.p50, color: CANDIDATE_COLORS.p50 },
        { label: 'p95', points: cl.p95, color: CANDIDATE_COLORS.p95 },
        { label: 'p99', points: cl.p99, color: CANDIDATE_COLORS.p99 },
      ];
  const pair = (
    pick: (points: typeof cand) => ChartSeries['points'],
    color: 'main' | 'error',
  ): ChartSeries[] => [
    ...(base ? [{ label: baseLabel, points: pick(base), color: BASELINE_COLORS[color], dashed: true }] : []),
    {
      label: base ? candLabel : model.candidate.folder.meta.id,
      points: pick(cand),
      color: CANDIDATE_COLORS[color],
    },
  ];
  const common = { xLabel: tr.t('chart.xAxis'), noData: tr.t('chart.noData') };
  const specs = [
    { ...common, title: tr.t('chart.latency'), series: latency, formatY: (v: number) => tr.number(v, 0) },
    { ...common, title: tr.t('chart.requests'), series: pair(requestRateSeries, 'main') },
    {
      ...common,
      title: tr.t('chart.errors'),
      series: pair(errorRateSeries, 'error'),
      formatY: (v: number) => tr.percent(v, 1),
    },
  ];
  return specs.map((spec) => `<figure><h3>${e(spec.title)}</h3>${lineChartSvg(spec)}</figure>`).join('');
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
    color: role === 'baseline' ? BASELINE_COLORS.main : CANDIDATE_COLORS.main,
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
    parts.push(`<figure><h3>${e(spec.title)}</h3>${lineChartSvg(spec)}</figure>`);
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

export function renderHtml(tr: Translator, model: ReportModel, pdfProblem: string | null = null): string {
  const good = model.status === 'pass' || model.status === 'proven';
  const runs = runsOf(tr, model);
  const notes = reportNotes(tr, model, pdfProblem);
  const scenario = model.candidate.folder.meta.scenario;
  return `<!doctype html>
<html lang="${tr.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(tr.t('title'))} · ${e(scenario)} · ${e(model.candidate.folder.meta.id)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${e(tr.t('title'))}</h1>
<p class="subtitle">${e(tr.t('subtitle', { scenario }))}</p>
<section class="verdict ${good ? 'good' : 'bad'}" data-status="${model.status}">
<span class="badge">${e(tr.t(`status.${model.status}`))}</span>
<p class="sentence">${e(model.sentence)}</p>
<p>${e(model.lead)}</p>
</section>
</header>
<main>
<h2>${e(tr.t('section.slos'))}</h2>
${sloTable(tr, model)}
<h2>${e(tr.t('section.thresholds'))}</h2>
${thresholdsTable(tr, runs)}
<h2>${e(tr.t('section.invariants'))}</h2>
${runs.map(([name, view]) => invariantsBlock(tr, name, view)).join('\n')}
<h2>${e(tr.t('section.charts'))}</h2>
${charts(tr, model)}
<h2>${e(tr.t('section.server'))}</h2>
${serverSection(tr, model)}
<h2>${e(tr.t('section.checks'))}</h2>
${checksTable(tr, runs)}
<h2>${e(tr.t('section.metadata'))}</h2>
${metadataTable(tr, model)}
${notes.length > 0 ? `<h2>${e(tr.t('section.notes'))}</h2><ul>${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : ''}
</main>
<footer>${e(tr.t('footer', { date: tr.dateTime(model.generatedAt) }))}</footer>
</body>
</html>
`;
}
