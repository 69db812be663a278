// The alert timeline in words (reports/src/timeline.ts has the facts): one line per event for a run's
// report, HTML and Markdown, and the per-side alert table of a verification's comparison report.
import type { Translator } from '../i18n/index.ts';
import type { RunView } from '../model.ts';
import {
  alertName,
  type SideAlerts,
  sideAlerts,
  type Timeline,
  type TimelineAlert,
  type TimelineEvent,
  timelineEvents,
} from '../timeline.ts';
import { escapeHtml as e } from './escape.ts';
import { table } from './markdown.ts';

function seconds(tr: Translator, value: number): string {
  return `${tr.number(value, 1)} ${tr.t('unit.s')}`;
}

function since(tr: Translator, alert: TimelineAlert): string {
  return alert.since.kind === 'fault'
    ? tr.t('tl.since.fault', { fault: alert.since.fault })
    : tr.t('tl.since.load');
}

export function eventText(tr: Translator, event: TimelineEvent): string {
  switch (event.kind) {
    case 'load-start':
    case 'load-end':
      return tr.t(`tl.${event.kind}`);
    case 'fault-start':
    case 'fault-end':
      return tr.t(`tl.${event.kind}`, { fault: event.fault });
    case 'pending':
      return tr.t('tl.pending', { alert: alertName(event.alert) });
    case 'resolved':
      if (event.alert.firingSecond === null) return tr.t('tl.cleared', { alert: alertName(event.alert) });
      return resolvedOrFiring(tr, event.kind, event.alert);
    case 'firing':
      return resolvedOrFiring(tr, event.kind, event.alert);
  }
}

/** "X firing, 3 s after the billing fault": the delay from what the alert is timed against. */
function resolvedOrFiring(tr: Translator, kind: 'firing' | 'resolved', alert: TimelineAlert): string {
  const delta = kind === 'firing' ? alert.detectSeconds : alert.resolveSeconds;
  return tr.t(`tl.${kind}`, {
    alert: alertName(alert),
    delta: seconds(tr, delta ?? 0),
    since: since(tr, alert),
  });
}

/** Per alert: the time to detect and to resolve, as the table's last two columns say them. */
function alertRows(tr: Translator, timeline: Timeline): string[][] {
  return timeline.alerts.map((alert) => [
    alertName(alert),
    alert.detectSeconds === null
      ? tr.t('tl.neverFired')
      : `${seconds(tr, alert.detectSeconds)} (${since(tr, alert)})`,
    alert.resolveSeconds === null
      ? alert.firingSecond === null
        ? '—'
        : tr.t('tl.stillFiring')
      : `${seconds(tr, alert.resolveSeconds)} (${since(tr, alert)})`,
  ]);
}

function intro(tr: Translator, timeline: Timeline): string[] {
  const lines = [tr.t('timeline.intro', { scale: tr.number(timeline.timeScale, 0) })];
  if (timeline.faults.length === 0) lines.push(tr.t('timeline.noFaults'));
  return lines;
}

export function timelineHtml(tr: Translator, view: RunView): string {
  const timeline = view.timeline;
  if (!timeline) return '';
  const rows = (cells: string[][]) =>
    cells.map(
      (r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="num"' : ''}>${e(c)}</td>`).join('')}</tr>`,
    );
  const events = timelineEvents(timeline).map((ev) => [tr.number(ev.second, 1), eventText(tr, ev)]);
  const head = (cols: string[]) => `<thead><tr>${cols.map((c) => `<th>${e(c)}</th>`).join('')}</tr></thead>`;
  const alerts =
    timeline.alerts.length === 0
      ? `<p>${e(tr.t('timeline.none'))}</p>`
      : `<table class="alerts">${head([tr.t('col.alert'), tr.t('col.detect'), tr.t('col.resolvedAfter')])}<tbody>${alertRows(
          tr,
          timeline,
        )
          .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`;
  return `<h2>${e(tr.t('section.timeline'))}</h2>
${intro(tr, timeline)
  .map((line) => `<p class="muted">${e(line)}</p>`)
  .join('\n')}
${alerts}
<table class="timeline">${head([tr.t('col.second'), tr.t('col.event')])}<tbody>${rows(events).join('')}</tbody></table>`;
}

export function timelineMarkdown(tr: Translator, view: RunView): string[] {
  const timeline = view.timeline;
  if (!timeline) return [];
  const out = [`## ${tr.t('section.timeline')}`, '', ...intro(tr, timeline).flatMap((l) => [l, ''])];
  if (timeline.alerts.length === 0) out.push(tr.t('timeline.none'), '');
  else
    out.push(
      table([tr.t('col.alert'), tr.t('col.detect'), tr.t('col.resolvedAfter')], alertRows(tr, timeline)),
      '',
    );
  out.push(
    table(
      [tr.t('col.second'), tr.t('col.event')],
      timelineEvents(timeline).map((ev) => [tr.number(ev.second, 1), eventText(tr, ev)]),
    ),
    '',
  );
  return out;
}

/** The alerts of each side of a verification, or null when none of its runs was observed. */
export function verificationAlerts(
  sides: Array<{ label: string; runs: RunView[] }>,
): Array<{ label: string } & SideAlerts> | null {
  const out = sides.map((side) => ({ label: side.label, ...sideAlerts(side.runs.map((r) => r.timeline)) }));
  return out.some((side) => side.observedRuns > 0) ? out : null;
}

function sideAlertRows(tr: Translator, sides: Array<{ label: string } & SideAlerts>): string[][] {
  return sides.flatMap((side) =>
    side.alerts.length === 0
      ? [[side.label, tr.t('valerts.none'), '—', '—']]
      : side.alerts.map((alert) => [
          side.label,
          alert.name,
          tr.t('valerts.runs', { k: alert.firedInRuns, n: side.observedRuns }),
          alert.medianDetectSeconds === null ? '—' : seconds(tr, alert.medianDetectSeconds),
        ]),
  );
}

const SIDE_HEAD = ['col.side', 'col.alert', 'col.firedIn', 'col.medianDetect'] as const;

export function verificationAlertsHtml(
  tr: Translator,
  sides: Array<{ label: string; runs: RunView[] }>,
): string {
  const alerts = verificationAlerts(sides);
  if (!alerts) return '';
  return `<h2>${e(tr.t('section.valerts'))}</h2>
<p class="muted">${e(tr.t('valerts.intro'))}</p>
<table class="alerts"><thead><tr>${SIDE_HEAD.map((k) => `<th>${e(tr.t(k))}</th>`).join('')}</tr></thead><tbody>${sideAlertRows(
    tr,
    alerts,
  )
    .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function verificationAlertsMarkdown(
  tr: Translator,
  sides: Array<{ label: string; runs: RunView[] }>,
): string[] {
  const alerts = verificationAlerts(sides);
  if (!alerts) return [];
  return [
    `## ${tr.t('section.valerts')}`,
    '',
    tr.t('valerts.intro'),
    '',
    table(
      SIDE_HEAD.map((k) => tr.t(k)),
      sideAlertRows(tr, alerts),
    ),
    '',
  ];
}

/** report.json's `timeline`: the facts, and every event in the report's language. */
export function timelineJson(tr: Translator, view: RunView) {
  const timeline = view.timeline;
  if (!timeline) return null;
  return {
    ...timeline,
    events: timelineEvents(timeline).map((event) => ({
      second: event.second,
      kind: event.kind,
      text: eventText(tr, event),
    })),
  };
}
