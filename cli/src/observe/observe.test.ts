// The observer against the machine's real Prometheus (/usr/bin/prometheus, as .ci/run installs it):
// it writes a per-run config promtool accepts, loads the project's rules, scrapes three loopback
// endpoints and folds the alert history into alerts.json. The three endpoints are small exposition
// servers standing in for the API, the simulator and the runner, so that the test decides what
// Prometheus sees (a violation from the start, five VUs); the real API and runner
// are observed end to end in cli/test/scenarios.timing.test.ts (run --observe) and cli/test/verify.timing.test.ts (verify --observe).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foldAlertHistory } from './alert-history.ts';
import { ALERTS_FILE, type AlertsReport, createRunObserver, observerOrHint } from './index.ts';
import { renderPrometheusConfig } from './prometheus-config.ts';
import { findPrometheus } from './prometheus-process.ts';

const dirs: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'observe-test-'));
  dirs.push(dir);
  return dir;
}

async function exporter(body: () => string): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the per-run Prometheus config', () => {
  it("names the run's own targets and rule files, and promtool accepts it", () => {
    const dir = scratch();
    writeFileSync(join(dir, 'rules.yml'), 'groups: []\n');
    const text = renderPrometheusConfig({
      targets: { api: '127.0.0.1:4001', billing: '127.0.0.1:4002', runner: '127.0.0.1:4003' },
      ruleFiles: [join(dir, 'rules.yml')],
      testId: 'run-1',
    });
    expect(text).toContain('127.0.0.1:4001');
    expect(text).toContain('honor_labels: true');
    writeFileSync(join(dir, 'prometheus.yml'), text);
    const check = spawnSync('/usr/bin/promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
      encoding: 'utf8',
    });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });
});

describe('folding the ALERTS history', () => {
  const base = {
    testid: 't',
    timeScale: 60,
    start: 100,
    end: 130,
    step: 1,
    loadStartedAt: 102,
    loadEndedAt: 125,
  };
  const at = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => [from + i, '1'] as [number, string]);

  it('gives each episode its pending, firing and resolved times and the time to detect', () => {
    const report = foldAlertHistory({
      ...base,
      series: [
        {
          metric: { __name__: 'ALERTS', alertname: 'A', alertstate: 'pending', severity: 'critical' },
          values: at(104, 106),
        },
        {
          metric: { __name__: 'ALERTS', alertname: 'A', alertstate: 'firing', severity: 'critical' },
          values: at(107, 111),
        },
      ],
    });
    expect(report.alerts).toEqual([
      {
        alertname: 'A',
        severity: 'critical',
        labels: {},
        pendingAt: new Date(104_000).toISOString(),
        firingAt: new Date(107_000).toISOString(),
        resolvedAt: new Date(112_000).toISOString(),
        pendingSeconds: 3,
        firingSeconds: 5,
        detectSeconds: 5,
      },
    ]);
  });

  it('keeps label sets apart, splits episodes at gaps, and leaves an alert active at the end unresolved', () => {
    const report = foldAlertHistory({
      ...base,
      series: [
        {
          metric: { alertname: 'I', alertstate: 'firing', invariant: 'x' },
          values: [...at(103, 104), ...at(120, 130)],
        },
        { metric: { alertname: 'I', alertstate: 'firing', invariant: 'y' }, values: at(110, 111) },
        { metric: { alertname: 'P', alertstate: 'pending' }, values: at(115, 117) },
      ],
    });
    const summary = report.alerts.map((a) => [
      a.alertname,
      a.labels.invariant,
      a.firingAt !== null,
      a.resolvedAt !== null,
    ]);
    expect(summary).toEqual([
      ['I', 'x', true, true],
      ['I', 'y', true, true],
      ['P', undefined, false, true],
      ['I', 'x', true, false],
    ]);
    expect(report.alerts[2]?.pendingSeconds).toBe(3);
    expect(report.alerts[3]?.pendingAt).toBeNull(); // no "for": straight to firing
  });

  it('folds the fault gauge into windows per group, open at the end when the fault was still on', () => {
    const report = foldAlertHistory({
      ...base,
      series: [],
      faultSeries: [
        { metric: { group: 'billing' }, values: [...at(105, 110), ...at(120, 130)] },
        { metric: { group: 'notices' }, values: at(112, 114) },
      ],
    });
    expect(report.faults).toEqual([
      { group: 'billing', startAt: new Date(105_000).toISOString(), endAt: new Date(111_000).toISOString() },
      { group: 'notices', startAt: new Date(112_000).toISOString(), endAt: new Date(115_000).toISOString() },
      { group: 'billing', startAt: new Date(120_000).toISOString(), endAt: null },
    ]);
  });
});

describe('the observer on a real Prometheus', () => {
  it("loads the project's rules, scrapes the run's targets and writes alerts.json with the invariant alert", async () => {
    const binary = findPrometheus();
    if (!binary) throw new Error('prometheus is missing: apt-get install -y prometheus');
    const api = await exporter(
      () =>
        '# TYPE mpaspor_invariant_violations gauge\nmpaspor_invariant_violations{invariant="slot-over-capacity"} 2\n',
    );
    const billing = await exporter(
      () =>
        '# TYPE billing_sim_fault_active gauge\nbilling_sim_fault_active{group="billing"} 1\nbilling_sim_fault_active{group="notices"} 0\n',
    );
    const runDir = scratch();
    const notes: string[] = [];
    const observer = createRunObserver({ binary, onStep: (line) => notes.push(line) });
    const observed = await observer.start({ runDir, testId: 'obs-lib', apiUrl: api, billingUrl: billing });
    expect(observed, notes.join('\n')).not.toBeNull();
    // The runner's live endpoint, on the port the observer chose for it.
    const runner = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end(`# TYPE k6_vus gauge\nk6_vus{testid="obs-lib"} 5\n`);
    });
    servers.push(runner);
    await new Promise<void>((resolve) => runner.listen(observed?.runnerMetricsPort, '127.0.0.1', resolve));
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const report = await observer.stop();
    const written = JSON.parse(readFileSync(join(runDir, ALERTS_FILE), 'utf8')) as AlertsReport;
    expect(written).toEqual(report);
    const invariant = written.alerts.find((a) => a.alertname === 'InvariantViolation');
    expect(invariant?.labels.invariant).toBe('slot-over-capacity');
    expect(invariant?.firingAt).not.toBeNull();
    expect(invariant?.resolvedAt).toBeNull(); // still violated when the run ended
    expect(written.loadStartedAt).not.toBeNull();
    expect(written.faults.map((f) => [f.group, f.endAt])).toEqual([['billing', null]]);
    expect(written.timeScale).toBe(60);
    expect(existsSync(join(runDir, 'observe', 'alerts.yml'))).toBe(true);
    expect(readFileSync(join(runDir, 'observe', 'recording.yml'), 'utf8')).toContain('[1m]');
    expect(notes.some((line) => line.includes('InvariantViolation'))).toBe(true);
  }, 60_000);

  it('without Prometheus, says in one line how to install it and answers no observer', () => {
    const said: string[] = [];
    const nowhere = () =>
      findPrometheus({ PATH: '/nonexistent', PROMETHEUS_BIN: '/nonexistent/prometheus' }, []);
    expect(observerOrHint((line) => said.push(line), {}, nowhere)).toBeNull();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/apt-get install -y prometheus.*goes on without it/);
  });
});
