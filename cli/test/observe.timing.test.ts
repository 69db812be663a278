// `paspor-lab run ... --observe` end to end: the real command (a child process) starts the target, the
// machine's Prometheus with the project's time-scaled rules, and the embedded runner with its live
// endpoint; alerts.json must show what an SRE watching the run would have been paged for, and when.
// Legacy quota-rush: the invariant alert fires while the rush is still running (the API re-checks its
// invariants on its own), with its time to detect. Legacy payment-code-failure: the payment-code
// burn-rate alert fires. Hardened, both scenarios: no invariant or payment-code alert, and an
// availability or latency page only together with the run's own failed threshold for that SLO: on a
// machine this busy the hardened service may shed (503) past its availability budget, and then the
// alert is right to fire; it must never fire while the run's own SLO thresholds held.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertsReport } from '../src/observe/index.ts';

const bin = fileURLToPath(new URL('../bin/paspor-lab.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'paspor-observe-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Observed {
  exitCode: number | null;
  output: string;
  alerts: AlertsReport;
  failedThresholds: string[];
  /** The run's report.md, which shows the alert timeline. */
  report: string;
}

async function observe(scenario: string, profile: string): Promise<Observed> {
  const out = join(scratch, `${scenario}-${profile}`);
  const child = spawn(
    process.execPath,
    [bin, 'run', scenario, '--short', '--profile', profile, '--observe', '--out', out],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const alertsPath = join(out, 'alerts.json');
  if (!existsSync(alertsPath))
    throw new Error(`alerts.json is missing (exit ${exitCode}):\n${output.slice(-3000)}`);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as {
    verdict: { failedThresholds: string[] };
  };
  return {
    exitCode,
    output,
    alerts: JSON.parse(readFileSync(alertsPath, 'utf8')) as AlertsReport,
    failedThresholds: run.verdict.failedThresholds,
    report: readFileSync(join(out, 'report.md'), 'utf8'),
  };
}

const fired = (report: AlertsReport, name: string) =>
  report.alerts.filter((alert) => alert.alertname === name && alert.firingAt !== null);

describe('run --observe', () => {
  it('legacy quota-rush: the invariant alert fires during the rush, with its time to detect', async () => {
    const { alerts, output, report } = await observe('quota-rush', 'legacy');
    const start = Date.parse(alerts.loadStartedAt ?? '');
    const end = Date.parse(alerts.loadEndedAt ?? '');
    expect(end - start, 'the runner was scraped through the rush').toBeGreaterThan(3_000);
    const invariant = fired(alerts, 'InvariantViolation');
    expect(invariant.length, output.slice(-2000)).toBeGreaterThan(0);
    const first = Math.min(...invariant.map((alert) => Date.parse(alert.firingAt ?? '')));
    expect(first, 'fired before the load ended').toBeLessThanOrEqual(end);
    const detect = Math.min(...invariant.map((alert) => alert.detectSeconds ?? Number.POSITIVE_INFINITY));
    expect(detect).toBeGreaterThanOrEqual(0);
    expect(detect).toBeLessThanOrEqual((end - start) / 1000);
    expect(invariant.map((alert) => alert.labels.invariant)).toContain('slot-over-capacity');
    expect(output).toMatch(/alerts fired: .*InvariantViolation/);
    // The report's timeline says it too, with the time to detect counted from the start of the load.
    expect(report).toContain('## Alerts during the run');
    expect(report).toMatch(
      /InvariantViolation\{invariant=slot-over-capacity\} firing, [\d.,]+ s after the start of the load/,
    );
  });

  it('legacy payment-code-failure: the payment-code burn-rate alert fires', async () => {
    const { alerts, output } = await observe('payment-code-failure', 'legacy');
    const page = fired(alerts, 'PaymentCodeBurnFast');
    expect(page.length, output.slice(-2000)).toBeGreaterThan(0);
    expect(page[0]?.detectSeconds ?? -1).toBeGreaterThan(0);
  });

  for (const scenario of ['quota-rush', 'payment-code-failure']) {
    it(`hardened ${scenario}: no invariant or payment-code alert; an SLO page only with its failed threshold`, async () => {
      await hardenedIsQuiet(scenario);
    });
  }
});

async function hardenedIsQuiet(scenario: string): Promise<void> {
  const { alerts, failedThresholds, output } = await observe(scenario, 'hardened');
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

describe('verify --observe', () => {
  it('watches each run with its own Prometheus; the comparison report lists the alerts per side', async () => {
    const out = join(scratch, 'verify-quota-rush');
    const child = spawn(
      process.execPath,
      [
        bin,
        'verify',
        'quota-rush',
        '--short',
        '--runs',
        '1',
        '--observe',
        '--format',
        'md,json',
        '--out',
        out,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const collect = (c: Buffer) => {
      output += c.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect([0, 99], output.slice(-3000)).toContain(exitCode);
    const verification = JSON.parse(readFileSync(join(out, 'verification.json'), 'utf8')) as {
      baseline: { runs: Array<{ dir: string }> };
      candidate: { runs: Array<{ dir: string }> };
    };
    const alertsOf = (dir: string) =>
      JSON.parse(readFileSync(join(out, dir, 'alerts.json'), 'utf8')) as AlertsReport;
    const [baselineRun] = verification.baseline.runs;
    const [candidateRun] = verification.candidate.runs;
    if (!baselineRun || !candidateRun) throw new Error(`a side has no run:\n${output.slice(-3000)}`);
    const baseline = alertsOf(baselineRun.dir);
    const candidate = alertsOf(candidateRun.dir);
    // One Prometheus per run: each alerts.json covers its own run only.
    expect(baseline.testid).not.toBe(candidate.testid);
    expect(fired(baseline, 'InvariantViolation').length, output.slice(-2000)).toBeGreaterThan(0);
    expect(fired(candidate, 'InvariantViolation')).toEqual([]);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('## Alerts in the observed runs');
    expect(report).toMatch(
      /\| Baseline \(legacy\) \| InvariantViolation\{invariant=slot-over-capacity\} \| 1 of 1 runs \| [\d.,]+ s \|/,
    );
  });
});
