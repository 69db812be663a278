// alerts.json: every alert that went pending or firing during an observed run, folded from Prometheus's
// own `ALERTS` series (one sample per rule evaluation while an alert is active, alertstate pending or
// firing) read back over the run with query_range, and the windows in which the billing simulator had a
// fault injected (billing_sim_fault_active), so the report can say how long after the fault an alert
// fired. Pure: the query answers in, the episodes out.

export interface AlertSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export interface AlertEpisode {
  alertname: string;
  severity: string | null;
  /** The alert's labels other than alertname, alertstate and severity (e.g. invariant). */
  labels: Record<string, string>;
  pendingAt: string | null;
  firingAt: string | null;
  /** null while still active when the run ended. */
  resolvedAt: string | null;
  /** Seconds from pending to firing (or to the end of the episode, when it never fired). */
  pendingSeconds: number | null;
  firingSeconds: number | null;
  /** Seconds from the start of the load to firing: the time to detect. */
  detectSeconds: number | null;
}

export interface AlertsReport {
  testid: string;
  /** Windows and "for" of the rules were divided by this (observability/README.md). */
  timeScale: number;
  window: { start: string; end: string };
  /** The first and last second Prometheus saw the runner with VUs (null: never scraped it). */
  loadStartedAt: string | null;
  loadEndedAt: string | null;
  evaluationSeconds: number;
  alerts: AlertEpisode[];
  /** Fault windows seen on the billing simulator's gauge, by group (billing, notices). */
  faults: FaultEpisode[];
}

export interface FaultEpisode {
  group: string;
  startAt: string;
  /** null while still open when the run ended. */
  endAt: string | null;
}

const iso = (seconds: number) => new Date(Math.round(seconds * 1000)).toISOString();
const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

export interface FoldInput {
  series: AlertSeries[];
  testid: string;
  timeScale: number;
  start: number;
  end: number;
  /** The query_range step, which is the evaluation interval (seconds). */
  step: number;
  loadStartedAt: number | null;
  loadEndedAt: number | null;
  /** `max by (group) (billing_sim_fault_active) > 0` over the run: a sample per second a fault was on. */
  faultSeries?: AlertSeries[];
}

/** Runs of consecutive evaluations; a gap longer than one and a half steps ends a run. */
function episodesOf(times: number[], step: number): number[][] {
  const episodes: number[][] = [];
  for (const t of [...new Set(times)].sort((a, b) => a - b)) {
    const current = episodes.at(-1);
    const last = current?.at(-1);
    if (current && last !== undefined && t - last <= step * 1.5) current.push(t);
    else episodes.push([t]);
  }
  return episodes;
}

export function foldFaultWindows(series: AlertSeries[], step: number, end: number): FaultEpisode[] {
  const out: FaultEpisode[] = [];
  for (const { metric, values } of series) {
    for (const times of episodesOf(
      values.map(([t]) => t),
      step,
    )) {
      const last = times.at(-1) as number;
      out.push({
        group: metric.group ?? 'fault',
        startAt: iso(times[0] as number),
        endAt: last >= end - step * 1.5 ? null : iso(last + step),
      });
    }
  }
  return out.sort((a, b) => a.startAt.localeCompare(b.startAt));
}

export function foldAlertHistory(input: FoldInput): AlertsReport {
  const groups = new Map<string, { metric: Record<string, string>; pending: number[]; firing: number[] }>();
  for (const { metric, values } of input.series) {
    const { __name__: _name, alertstate, ...rest } = metric;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
    const group = groups.get(key) ?? { metric: rest, pending: [], firing: [] };
    const times = values.map(([t]) => t);
    if (alertstate === 'firing') group.firing.push(...times);
    else group.pending.push(...times);
    groups.set(key, group);
  }
  const alerts: AlertEpisode[] = [];
  for (const { metric, pending, firing } of groups.values()) {
    const firingSet = new Set(firing);
    const episodes = episodesOf([...pending, ...firing], input.step);
    const { alertname = 'unknown', severity, ...labels } = metric;
    for (const times of episodes) {
      const first = times[0] as number;
      const last = times.at(-1) as number;
      const firedAt = times.find((t) => firingSet.has(t)) ?? null;
      const pendingAt = firedAt === first && !pending.includes(first) ? null : first;
      const stillActive = last >= input.end - input.step * 1.5;
      const resolved = stillActive ? null : last + input.step;
      const endOfEpisode = resolved ?? input.end;
      alerts.push({
        alertname,
        severity: severity ?? null,
        labels,
        pendingAt: pendingAt === null ? null : iso(pendingAt),
        firingAt: firedAt === null ? null : iso(firedAt),
        resolvedAt: resolved === null ? null : iso(resolved),
        pendingSeconds: pendingAt === null ? null : round((firedAt ?? endOfEpisode) - pendingAt),
        firingSeconds: firedAt === null ? null : round(endOfEpisode - firedAt),
        detectSeconds:
          firedAt === null || input.loadStartedAt === null ? null : round(firedAt - input.loadStartedAt),
      });
    }
  }
  alerts.sort((a, b) => (a.pendingAt ?? a.firingAt ?? '').localeCompare(b.pendingAt ?? b.firingAt ?? ''));
  return {
    testid: input.testid,
    timeScale: input.timeScale,
    window: { start: iso(input.start), end: iso(input.end) },
    loadStartedAt: input.loadStartedAt === null ? null : iso(input.loadStartedAt),
    loadEndedAt: input.loadEndedAt === null ? null : iso(input.loadEndedAt),
    evaluationSeconds: input.step,
    alerts,
    faults: foldFaultWindows(input.faultSeries ?? [], input.step, input.end),
  };
}
