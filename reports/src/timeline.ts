// The alert timeline of an observed run (`--observe` writes alerts.json, cli/src/observe/): when each
// fault was injected, when each alert went pending, fired and resolved, and the time to detect: from the
// fault that preceded the alert, or from the start of the load when none did (a rush is its own trouble).
// All on the charts' clock (second 0 = the first second of timeseries.ndjson) when the series has wall
// times, else on the load's. Pure: the parsed files in, the timeline out; reading is readAlerts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaultWindow } from './faults.ts';
import { median } from './stats/ranks.ts';

export const ALERTS_FILE = 'alerts.json';

/** alerts.json as the observer writes it (cli/src/observe/alert-history.ts), read tolerantly. */
export interface AlertsFile {
  testid: string;
  timeScale: number;
  loadStartedAt: string | null;
  loadEndedAt: string | null;
  alerts: Array<{
    alertname: string;
    severity: string | null;
    labels: Record<string, string>;
    pendingAt: string | null;
    firingAt: string | null;
    resolvedAt: string | null;
  }>;
  faults: Array<{ group: string; startAt: string; endAt: string | null }>;
}

export interface TimelineFault {
  kind: string;
  fromSecond: number;
  /** null: still on when the run ended. */
  toSecond: number | null;
}

export interface TimelineAlert {
  alertname: string;
  severity: string | null;
  /** The labels that tell episodes of one alert apart (e.g. invariant). */
  labels: Record<string, string>;
  pendingSecond: number | null;
  firingSecond: number | null;
  resolvedSecond: number | null;
  /** What the delays count from: the fault injected before the alert began, else the start of the load. */
  since: { kind: 'fault'; fault: string; second: number } | { kind: 'load'; second: number };
  /** Seconds from `since` to firing: the time to detect (null: never fired). */
  detectSeconds: number | null;
  /** Seconds from `since` to resolved (null: never fired, or still firing at the end). */
  resolveSeconds: number | null;
}

export interface Timeline {
  testid: string;
  /** Windows and `for` of the rules were divided by this: one second of the run stands for this many. */
  timeScale: number;
  loadStartSecond: number | null;
  loadEndSecond: number | null;
  faults: TimelineFault[];
  alerts: TimelineAlert[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** alerts.json, or null when it is not the observer's shape (a torn or foreign file is no timeline). */
export function parseAlerts(text: string): AlertsFile | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(json) || !Array.isArray(json.alerts)) return null;
  const labels = (v: unknown): Record<string, string> =>
    isObject(v)
      ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {};
  return {
    testid: str(json.testid) ?? '',
    timeScale: typeof json.timeScale === 'number' ? json.timeScale : 1,
    loadStartedAt: str(json.loadStartedAt),
    loadEndedAt: str(json.loadEndedAt),
    alerts: json.alerts.filter(isObject).map((a) => ({
      alertname: str(a.alertname) ?? 'unknown',
      severity: str(a.severity),
      labels: labels(a.labels),
      pendingAt: str(a.pendingAt),
      firingAt: str(a.firingAt),
      resolvedAt: str(a.resolvedAt),
    })),
    faults: (Array.isArray(json.faults) ? json.faults : []).filter(isObject).flatMap((f) => {
      const startAt = str(f.startAt);
      return startAt ? [{ group: str(f.group) ?? 'fault', startAt, endAt: str(f.endAt) }] : [];
    }),
  };
}

export async function readAlerts(dir: string): Promise<AlertsFile | null> {
  try {
    return parseAlerts(await readFile(join(dir, ALERTS_FILE), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;

export interface TimelineInput {
  alerts: AlertsFile;
  /** faults.ndjson's windows (faults.ts), on the charts' clock; they win over the ones in alerts.json. */
  faults: FaultWindow[];
  /** The wall-clock start of the charts' second 0 (faults.ts seriesOriginMs), or null. */
  originMs: number | null;
}

export function buildTimeline(input: TimelineInput): Timeline {
  const { alerts } = input;
  const loadStartMs = alerts.loadStartedAt ? Date.parse(alerts.loadStartedAt) : Number.NaN;
  // The charts' clock when the series has wall times, else the load's first second is second 0.
  const originMs = input.originMs ?? (Number.isFinite(loadStartMs) ? loadStartMs : null);
  const second = (at: string | null): number | null => {
    if (at === null || originMs === null) return null;
    const ms = Date.parse(at);
    return Number.isFinite(ms) ? round((ms - originMs) / 1000) : null;
  };
  // faults.ndjson's windows are on the charts' clock, which only exists with the series' wall times.
  const faults: TimelineFault[] =
    input.faults.length > 0 && input.originMs !== null
      ? input.faults.map((f) => ({
          kind: f.kind,
          fromSecond: round(f.fromSecond),
          toSecond: round(f.toSecond),
        }))
      : alerts.faults.flatMap((f) => {
          const from = second(f.startAt);
          return from === null ? [] : [{ kind: f.group, fromSecond: from, toSecond: second(f.endAt) }];
        });
  faults.sort((a, b) => a.fromSecond - b.fromSecond);
  const loadStartSecond = second(alerts.loadStartedAt);
  const timelineAlerts = alerts.alerts.map((a): TimelineAlert => {
    const pendingSecond = second(a.pendingAt);
    const firingSecond = second(a.firingAt);
    const resolvedSecond = second(a.resolvedAt);
    const began = pendingSecond ?? firingSecond;
    const cause = began === null ? undefined : faults.filter((f) => f.fromSecond <= began).at(-1);
    const since: TimelineAlert['since'] = cause
      ? { kind: 'fault', fault: cause.kind, second: cause.fromSecond }
      : { kind: 'load', second: loadStartSecond ?? 0 };
    const after = (s: number | null) => (s === null ? null : round(s - since.second));
    return {
      alertname: a.alertname,
      severity: a.severity,
      labels: a.labels,
      pendingSecond,
      firingSecond,
      resolvedSecond,
      since,
      detectSeconds: after(firingSecond),
      resolveSeconds: firingSecond === null ? null : after(resolvedSecond),
    };
  });
  return {
    testid: alerts.testid,
    timeScale: alerts.timeScale,
    loadStartSecond,
    loadEndSecond: second(alerts.loadEndedAt),
    faults,
    alerts: timelineAlerts,
  };
}

/** One line of the timeline, in time order: what happened at which second. */
export type TimelineEvent =
  | { second: number; kind: 'load-start' | 'load-end' }
  | { second: number; kind: 'fault-start' | 'fault-end'; fault: string }
  | { second: number; kind: 'pending' | 'firing' | 'resolved'; alert: TimelineAlert };

export function timelineEvents(timeline: Timeline): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  if (timeline.loadStartSecond !== null)
    events.push({ second: timeline.loadStartSecond, kind: 'load-start' });
  if (timeline.loadEndSecond !== null) events.push({ second: timeline.loadEndSecond, kind: 'load-end' });
  for (const f of timeline.faults) {
    events.push({ second: f.fromSecond, kind: 'fault-start', fault: f.kind });
    if (f.toSecond !== null) events.push({ second: f.toSecond, kind: 'fault-end', fault: f.kind });
  }
  for (const alert of timeline.alerts) {
    if (alert.pendingSecond !== null) events.push({ second: alert.pendingSecond, kind: 'pending', alert });
    if (alert.firingSecond !== null) events.push({ second: alert.firingSecond, kind: 'firing', alert });
    if (alert.resolvedSecond !== null) events.push({ second: alert.resolvedSecond, kind: 'resolved', alert });
  }
  const order = ['load-start', 'fault-start', 'pending', 'firing', 'resolved', 'fault-end', 'load-end'];
  return events.sort((a, b) => a.second - b.second || order.indexOf(a.kind) - order.indexOf(b.kind));
}

/** "InvariantViolation{invariant=slot-over-capacity}": the alert and the labels that set it apart (not where it was scraped). */
export function alertName(alert: Pick<TimelineAlert, 'alertname' | 'labels'>): string {
  const labels = Object.entries(alert.labels)
    .filter(([key]) => !['testid', 'job', 'instance'].includes(key))
    .map(([key, value]) => `${key}=${value}`);
  return labels.length > 0 ? `${alert.alertname}{${labels.join(', ')}}` : alert.alertname;
}

/** The timeline of a run folder: null without alerts.json (the run was not observed). */
export async function loadTimeline(
  dir: string,
  faults: FaultWindow[],
  originMs: number | null,
): Promise<Timeline | null> {
  const alerts = await readAlerts(dir);
  return alerts ? buildTimeline({ alerts, faults, originMs }) : null;
}

/** One alert over the observed runs of a verification side: in how many it fired, how fast. */
export interface SideAlert {
  /** alertName(): the alert and the labels that set it apart. */
  name: string;
  firedInRuns: number;
  /** The median over the runs it fired in of each run's first time to detect (seconds). */
  medianDetectSeconds: number | null;
}

export interface SideAlerts {
  /** Runs of the side that have alerts.json. */
  observedRuns: number;
  alerts: SideAlert[];
}

export function sideAlerts(timelines: Array<Timeline | null>): SideAlerts {
  const observed = timelines.filter((t): t is Timeline => t !== null);
  const detect = new Map<string, number[]>();
  for (const timeline of observed) {
    const firstPerRun = new Map<string, number>();
    for (const alert of timeline.alerts) {
      if (alert.detectSeconds === null) continue;
      const name = alertName(alert);
      firstPerRun.set(name, Math.min(firstPerRun.get(name) ?? Number.POSITIVE_INFINITY, alert.detectSeconds));
    }
    for (const [name, seconds] of firstPerRun) detect.set(name, [...(detect.get(name) ?? []), seconds]);
  }
  const alerts = [...detect.entries()]
    .map(([name, seconds]) => ({ name, firedInRuns: seconds.length, medianDetectSeconds: median(seconds) }))
    .sort((a, b) => b.firedInRuns - a.firedInRuns || a.name.localeCompare(b.name));
  return { observedRuns: observed.length, alerts };
}
