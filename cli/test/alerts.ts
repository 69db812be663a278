// What the end-to-end tests read of a run's alerts.json (cli/src/observe/): the alerts that fired, and
// the rule for a hardened run watched by Prometheus.
import { expect } from 'vitest';
import type { AlertsReport } from '../src/observe/index.ts';

export const fired = (report: AlertsReport, name: string) =>
  report.alerts.filter((alert) => alert.alertname === name && alert.firingAt !== null);

/**
 * A hardened run pages for no invariant and no payment code, and for availability or latency only
 * together with the run's own failed threshold for that SLO: on a busy machine the hardened service may
 * shed (503) past its availability budget, and then the alert is right to fire; it must never fire while
 * the run's own SLO thresholds held.
 */
export function expectQuietAlerts(alerts: AlertsReport, failedThresholds: string[], output: string): void {
  expect(alerts.loadStartedAt).not.toBeNull();
  for (const name of ['InvariantViolation', 'PaymentCodeBurnFast', 'PaymentCodeBurnSlow']) {
    expect(fired(alerts, name), `${name}\n${output.slice(-2000)}`).toEqual([]);
  }
  const availabilityHeld = !failedThresholds.some((t) => t.startsWith('http_req_failed'));
  const latencyHeld = !failedThresholds.some((t) => t.startsWith('http_req_duration'));
  if (availabilityHeld) {
    expect(fired(alerts, 'ApiAvailabilityBurnFast'), failedThresholds.join(', ')).toEqual([]);
    expect(fired(alerts, 'ApiAvailabilityBurnSlow'), failedThresholds.join(', ')).toEqual([]);
  }
  if (latencyHeld) {
    expect(fired(alerts, 'ApiLatencyBurnFast'), failedThresholds.join(', ')).toEqual([]);
    expect(fired(alerts, 'ApiLatencyBurnSlow'), failedThresholds.join(', ')).toEqual([]);
  }
}
