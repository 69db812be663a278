// The alerts panel: with --observe, the run's Prometheus is asked once a second which alerts are pending
// or firing (GET /api/v1/alerts); an alert that was listed and no longer is shows as resolved. Without
// Prometheus the panel says no alert is watched, and how to have them.

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface AlertEntry {
  name: string;
  /** The labels that tell one alert of a name from another (invariant, slo, severity...). */
  labels: Record<string, string>;
  state: AlertState;
  /** When Prometheus saw it first (activeAt), ISO time. */
  since: string;
  /** When it left the list, for a resolved one. */
  resolvedAt?: string;
}

export interface AlertsPanel {
  /** false: no Prometheus watches this run (no --observe, or it did not start). */
  watched: boolean;
  alerts: AlertEntry[];
  /** The last poll's failure, shown under the panel; null when it answered. */
  problem: string | null;
}

interface PromAlert {
  labels: Record<string, string>;
  state: string;
  activeAt?: string;
}

const keyOf = (labels: Record<string, string>) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

/** Folds Prometheus's answers, one after another, into the panel's list (pure apart from `now`). */
export class AlertBoard {
  private readonly byKey = new Map<string, AlertEntry>();

  update(listed: readonly PromAlert[], now: Date = new Date()): AlertEntry[] {
    const present = new Set<string>();
    for (const alert of listed) {
      if (alert.state !== 'pending' && alert.state !== 'firing') continue;
      const { alertname = 'unnamed', ...labels } = alert.labels;
      const key = keyOf(alert.labels);
      present.add(key);
      const known = this.byKey.get(key);
      const since = known && known.state !== 'resolved' ? known.since : (alert.activeAt ?? now.toISOString());
      this.byKey.set(key, { name: alertname, labels, state: alert.state, since });
    }
    for (const [key, entry] of this.byKey) {
      if (!present.has(key) && entry.state !== 'resolved') {
        this.byKey.set(key, { ...entry, state: 'resolved', resolvedAt: now.toISOString() });
      }
    }
    return this.entries();
  }

  /** Firing first, then pending, then resolved; oldest first within each. */
  entries(): AlertEntry[] {
    const order: Record<AlertState, number> = { firing: 0, pending: 1, resolved: 2 };
    return [...this.byKey.values()].sort(
      (a, b) => order[a.state] - order[b.state] || a.since.localeCompare(b.since),
    );
  }
}

export interface AlertWatcher {
  /** The panel as of the last poll. */
  panel(): AlertsPanel;
  /** Asks Prometheus once (the page server calls it every second); never throws. */
  poll(): Promise<void>;
}

export function watchAlerts(prometheusUrl: string | null): AlertWatcher {
  const board = new AlertBoard();
  let alerts: AlertEntry[] = [];
  let problem: string | null = null;
  let inFlight = false;
  return {
    panel: () => ({ watched: prometheusUrl !== null, alerts, problem }),
    async poll() {
      // A slow Prometheus (the machine is saturated) gets one question at a time, not a queue of them.
      if (prometheusUrl === null || inFlight) return;
      inFlight = true;
      try {
        const res = await fetch(`${prometheusUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(2_000) });
        if (!res.ok) throw new Error(`status ${res.status}`);
        const body = (await res.json()) as { data?: { alerts?: PromAlert[] } };
        alerts = board.update(body.data?.alerts ?? []);
        problem = null;
      } catch (error) {
        problem = `prometheus did not answer: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        inFlight = false;
      }
    },
  };
}
