// `paspor-lab run --observe`: the machine's Prometheus watches one run with the project's rules
// (time-scaled, observability/README.md), scraping the API, the billing simulator and the runner's live
// endpoint; at the end the run folder gets alerts.json (every alert that went pending or firing, when,
// for how long, the time to detect) and observe/ (the config and rules Prometheus ran with).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRules } from '@paspor-lab/observability/rules';
import { RUN_TIME_SCALE } from '@paspor-lab/observability/windows';
import { freePort } from '@paspor-lab/target-api';
import { type AlertSeries, type AlertsReport, foldAlertHistory } from './alert-history.ts';
import { renderPrometheusConfig } from './prometheus-config.ts';
import {
  findPrometheus,
  INSTALL_HINT,
  type PrometheusProcess,
  startPrometheus,
  waitForScrapes,
} from './prometheus-process.ts';

export type { AlertsReport } from './alert-history.ts';

export const ALERTS_FILE = 'alerts.json';
const STEP_SECONDS = 1;

export interface ObservedRun {
  runDir: string;
  testId: string;
  apiUrl: string;
  billingUrl: string;
}

export interface RunObserver {
  /**
   * Starts Prometheus for this run; the runner must serve its live metrics on the port returned. Never
   * throws: when Prometheus does not start it says why and answers null, and the run goes on.
   */
  start(run: ObservedRun): Promise<{ runnerMetricsPort: number; prometheusUrl: string } | null>;
  /** Reads the alert history, writes alerts.json, stops Prometheus. Never throws: says why instead. */
  stop(): Promise<AlertsReport | null>;
}

export interface ObserverOptions {
  binary: string;
  /** One-line notes ("prometheus on http://127.0.0.1:PORT"). */
  onStep?: (line: string) => void;
  scale?: number;
}

/** The observer, or null after saying in one line how to install Prometheus (the run goes on without). */
export function observerOrHint(
  say: (line: string) => void,
  options: Omit<ObserverOptions, 'binary'> = {},
  locate: () => string | null = findPrometheus,
): RunObserver | null {
  return observerFactoryOrHint(say, options, locate)?.() ?? null;
}

/**
 * A new observer for each run (verify --observe: one Prometheus per run, so that no run's alerts carry
 * over the windows of the run before it), or null after saying once how to install Prometheus.
 */
export function observerFactoryOrHint(
  say: (line: string) => void,
  options: Omit<ObserverOptions, 'binary'> = {},
  locate: () => string | null = findPrometheus,
  what = 'this run',
): (() => RunObserver) | null {
  const binary = locate();
  if (!binary) {
    say(`--observe: ${INSTALL_HINT}; ${what} goes on without it`);
    return null;
  }
  return () => createRunObserver({ ...options, binary });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pendingAlerts(prometheus: PrometheusProcess): Promise<number> {
  const data = await prometheus.query<{ alerts: Array<{ state: string }> }>('/api/v1/alerts', {});
  return data.alerts.filter((alert) => alert.state === 'pending').length;
}

export function createRunObserver(options: ObserverOptions): RunObserver {
  const scale = options.scale ?? RUN_TIME_SCALE;
  const step = options.onStep ?? (() => {});
  let prometheus: PrometheusProcess | undefined;
  let dataDir: string | undefined;
  let run: ObservedRun | undefined;
  let startedAt = 0;

  async function startWatching(observed: ObservedRun) {
    run = observed;
    const dir = join(observed.runDir, 'observe');
    mkdirSync(dir, { recursive: true });
    const ruleFiles: string[] = [];
    for (const [name, text] of Object.entries(renderRules(scale))) {
      writeFileSync(join(dir, name), text);
      ruleFiles.push(join(dir, name));
    }
    const runnerMetricsPort = await freePort();
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      renderPrometheusConfig({
        targets: {
          api: new URL(observed.apiUrl).host,
          billing: new URL(observed.billingUrl).host,
          runner: `127.0.0.1:${runnerMetricsPort}`,
        },
        ruleFiles,
        testId: observed.testId,
        intervalSeconds: STEP_SECONDS,
      }),
    );
    dataDir = mkdtempSync(join(tmpdir(), 'paspor-observe-'));
    prometheus = await startPrometheus({
      binary: options.binary,
      configFile,
      dataDir,
      port: await freePort(),
    });
    await waitForScrapes(prometheus, 'api');
    startedAt = Date.now() / 1000;
    step(`prometheus watching the run on ${prometheus.url} (rules at 1/${scale} time scale)`);
    return { runnerMetricsPort, prometheusUrl: prometheus.url };
  }

  return {
    async start(observed) {
      try {
        return await startWatching(observed);
      } catch (error) {
        step(
          `--observe: prometheus did not start (${error instanceof Error ? error.message : String(error)}); the run goes on without it`,
        );
        await prometheus?.stop();
        prometheus = undefined;
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
        return null;
      }
    },

    async stop() {
      if (!prometheus || !run) return null;
      try {
        // Two more evaluations, so the state at the end of the load is in the history; then an alert
        // still pending is followed until it fires or clears, for at most the longest `for` of the rules
        // (15 min / scale): a payment-code deadline passes only after the booking's objective.
        await sleep(2_500);
        const followUntil = Date.now() + (15 * 60 * 1000) / scale + 1_000;
        while (Date.now() < followUntil && (await pendingAlerts(prometheus)) > 0) await sleep(1_000);
        const end = Date.now() / 1000;
        const range = (query: string) =>
          (prometheus as PrometheusProcess).query<{ result: AlertSeries[] }>('/api/v1/query_range', {
            query,
            start: String(startedAt),
            end: String(end),
            step: String(STEP_SECONDS),
          });
        const data = await range('ALERTS');
        // The load's own span, from the runner's VU gauge as Prometheus scraped it (the script's setup
        // runs before any VU): the time to detect counts from the first second with VUs.
        const vus = await range(`max(k6_vus{testid="${run.testId}"}) > 0`);
        const loadTimes = vus.result[0]?.values.map(([t]) => t) ?? [];
        const faults = await range('max by (group) (billing_sim_fault_active) > 0');
        const report = foldAlertHistory({
          series: data.result,
          testid: run.testId,
          timeScale: scale,
          start: startedAt,
          end,
          step: STEP_SECONDS,
          loadStartedAt: loadTimes[0] ?? startedAt,
          loadEndedAt: loadTimes.at(-1) ?? null,
          faultSeries: faults.result,
        });
        writeFileSync(join(run.runDir, ALERTS_FILE), `${JSON.stringify(report, null, 2)}\n`);
        const fired = report.alerts.filter((alert) => alert.firingAt);
        step(
          fired.length === 0
            ? 'no alert fired'
            : `alerts fired: ${fired.map((a) => `${a.alertname}${a.labels.invariant ? `{${a.labels.invariant}}` : ''} after ${a.detectSeconds} s`).join(', ')}`,
        );
        return report;
      } catch (error) {
        step(
          `--observe: the alert history could not be read: ${error instanceof Error ? error.message : String(error)}`,
        );
        return null;
      } finally {
        await prometheus.stop();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
