// The history page and its Markdown: every run found in a runs folder, oldest first, and the trend of
// the headline figures (booking latency p95, availability, invariant violations), one line per profile.
import type { History, HistoryEntry } from '../history.ts';
import type { Translator } from '../i18n/index.ts';
import { type ChartSeries, lineChartSvg } from './charts.ts';
import { escapeHtml as e } from './escape.ts';
import { table } from './markdown.ts';
import { htmlTable, page } from './page.ts';

const KNOWN_COLORS: Record<string, string> = { hardened: '#0969da', legacy: '#8c959f' };
const PROFILE_COLORS = ['#0969da', '#8c959f', '#bf8700', '#8250df', '#1a7f37', '#cf222e'];

function figure(
  tr: Translator,
  entry: HistoryEntry,
  id: 'availability' | 'latencyP95' | 'latencyP99' | 'paymentCode',
) {
  const v = entry.figures[id];
  if (v === null || v === undefined) return '—';
  return id === 'latencyP95' || id === 'latencyP99' ? `${tr.number(v, 0)} ms` : tr.percent(v, 2);
}

function rowCells(tr: Translator, entry: HistoryEntry): string[] {
  return [
    entry.startedAt ? tr.dateTime(entry.startedAt) : '—',
    entry.scenario,
    entry.commit ? entry.commit.slice(0, 8) : '—',
    entry.profile ?? '—',
    entry.passed ? tr.t('status.pass') : tr.t('status.fail'),
    figure(tr, entry, 'availability'),
    figure(tr, entry, 'latencyP95'),
    figure(tr, entry, 'latencyP99'),
    figure(tr, entry, 'paymentCode'),
    entry.violations === null ? '—' : tr.number(entry.violations, 0),
  ];
}

function head(tr: Translator): string[] {
  return [
    tr.t('col.date'),
    tr.t('col.scenario'),
    tr.t('col.commit'),
    tr.t('col.profile'),
    tr.t('col.verdictRun'),
    tr.t('sloShort.availability'),
    tr.t('sloShort.latencyP95'),
    tr.t('sloShort.latencyP99'),
    tr.t('sloShort.paymentCode', { seconds: 30 }),
    tr.t('col.violationsShort'),
  ];
}

function trendCharts(tr: Translator, entries: HistoryEntry[]): string[] {
  const scenarios = [...new Set(entries.map((x) => x.scenario))];
  const out: string[] = [];
  for (const scenario of scenarios) {
    const runs = entries.filter((x) => x.scenario === scenario);
    const profiles = [...new Set(runs.map((r) => r.profile ?? '—'))];
    const series = (pick: (r: HistoryEntry) => number | null | undefined): ChartSeries[] =>
      profiles.map((profile, i) => ({
        label: profile,
        // The fix in blue, the field's failures in grey, as in the run reports.
        color: KNOWN_COLORS[profile] ?? PROFILE_COLORS[i % PROFILE_COLORS.length] ?? '#0969da',
        points: runs.flatMap((r, x) => {
          const y = pick(r);
          return (r.profile ?? '—') === profile && y !== null && y !== undefined ? [{ x: x + 1, y }] : [];
        }),
      }));
    const common = { xLabel: tr.t('hchart.xAxis'), noData: tr.t('chart.noData') };
    const specs = [
      {
        ...common,
        title: `${tr.t('hchart.latency')} · ${scenario}`,
        series: series((r) => r.figures.latencyP95),
        formatY: (v: number) => tr.number(v, 0),
        refLines: [{ y: 500, label: tr.t('chart.sloLine', { value: 'p95 500 ms' }), color: '#bf8700' }],
      },
      {
        ...common,
        title: `${tr.t('hchart.availability')} · ${scenario}`,
        series: series((r) => r.figures.availability),
        formatY: (v: number) => tr.percent(v, 1),
        yFrom: 'data' as const,
        yCap: 1,
        refLines: [{ y: 0.995, label: tr.t('chart.sloLine', { value: '99.5%' }) }],
      },
      {
        ...common,
        title: `${tr.t('hchart.violations')} · ${scenario}`,
        series: series((r) => r.violations),
        formatY: (v: number) => tr.number(v, 0),
      },
    ];
    for (const spec of specs) {
      out.push(
        `<figure class="chart-figure"><figcaption>${e(spec.title)}</figcaption>${lineChartSvg(spec)}</figure>`,
      );
    }
  }
  return out;
}

function verdictSentence(tr: Translator, history: History): string {
  const list = history.entries;
  const first = list[0];
  const last = list[list.length - 1];
  if (!first || !last) return tr.t('history.none');
  const passed = list.filter((x) => x.passed).length;
  return tr.t('hverdict', {
    count: list.length,
    first: first.startedAt ? tr.dateTime(first.startedAt) : first.id,
    last: last.startedAt ? tr.dateTime(last.startedAt) : last.id,
    passed,
    failed: list.length - passed,
    latest: last.id,
    verdict: tr.t(last.passed ? 'hverdict.passed' : 'hverdict.failed'),
  });
}

export function renderHistoryHtml(tr: Translator, history: History, generatedAt: string): string {
  const last = history.entries[history.entries.length - 1];
  const rows = history.entries.map((entry) =>
    rowCells(tr, entry).map((cell, i) =>
      i === 4
        ? `<td><span class="${entry.passed ? 'ok' : 'bad'}">${e(cell)}</span></td>`
        : `<td${i >= 5 ? ' class="num"' : ''}>${i === 2 || i === 1 ? `<code>${e(cell)}</code>` : e(cell)}</td>`,
    ),
  );
  const body = `<h2>${e(tr.t('section.charts'))}</h2>
<div class="charts">${trendCharts(tr, history.entries).join('\n')}</div>
<h2>${e(tr.t('section.history'))}</h2>
${history.entries.length > 0 ? htmlTable(head(tr), rows, 'history') : `<p class="muted">${e(tr.t('history.none'))}</p>`}`;
  return page({
    lang: tr.lang,
    title: `${tr.t('htitle')} · ${history.scenario ?? history.dir}`,
    heading: tr.t('htitle'),
    subtitle: tr.t('hsubtitle', { count: history.entries.length, dir: history.dir }),
    verdict: {
      good: last?.passed ?? false,
      status: 'history',
      badge: tr.t('hbadge'),
      sentence: verdictSentence(tr, history),
      lead: tr.t('hlead'),
    },
    body,
    footer: tr.t('footer', { date: tr.dateTime(generatedAt) }),
  });
}

export function renderHistoryMarkdown(tr: Translator, history: History, generatedAt: string): string {
  return [
    `# ${tr.t('htitle')}: ${history.scenario ?? history.dir}`,
    '',
    `> ${verdictSentence(tr, history)}`,
    '',
    history.entries.length > 0
      ? table(
          head(tr),
          history.entries.map((entry) => rowCells(tr, entry)),
        )
      : tr.t('history.none'),
    '',
    `_${tr.t('md.chartsInHtml').replace('report.html', 'history.html')} ${tr.t('footer', { date: tr.dateTime(generatedAt) })}_`,
    '',
  ].join('\n');
}
