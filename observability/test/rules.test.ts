// The Prometheus configuration, rules and their unit tests, checked by the installed promtool
// (Debian's `prometheus` package, which .ci/run installs when it is missing). No skip: a missing
// promtool is a failure naming the package to install. The rule files are generated from the SLO
// source: the committed text must equal the generator's, and the time-scaled rules `--observe` loads
// must pass promtool too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SLO_TARGETS } from '@paspor-lab/load-scenarios/slo';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULES_DIR } from '../prometheus/src/generate.ts';
import { renderRules } from '../prometheus/src/rules.ts';
import { RUN_TIME_SCALE } from '../prometheus/src/windows.ts';

const PROMTOOL = '/usr/bin/promtool';
const dir = fileURLToPath(new URL('../prometheus/', import.meta.url));

function promtool(...args: string[]): { ok: boolean; output: string } {
  if (!existsSync(PROMTOOL)) {
    throw new Error(`${PROMTOOL} is missing: run apt-get install -y prometheus`);
  }
  const result = spawnSync(PROMTOOL, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const output = `promtool ${args.join(' ')} (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`;
  return { ok: result.status === 0, output };
}

describe('Prometheus configuration (promtool)', () => {
  it('checks prometheus.yml and the rule files it loads', () => {
    const { ok, output } = promtool('check', 'config', 'prometheus.yml');
    expect(ok, output).toBe(true);
  });

  it('checks the recording and alerting rules', () => {
    const { ok, output } = promtool('check', 'rules', 'rules/recording.yml', 'rules/alerts.yml');
    expect(ok, output).toBe(true);
  });

  it('passes the rules unit tests', () => {
    const { ok, output } = promtool('test', 'rules', 'tests/rules.test.yml');
    expect(ok, output).toBe(true);
    expect(output).toContain('SUCCESS');
  });
});

describe('generated rules', () => {
  it('the committed rule files equal the generator output (npm run rules)', () => {
    for (const [name, text] of Object.entries(renderRules())) {
      expect(readFileSync(`${RULES_DIR}${name}`, 'utf8'), `${name} is stale: run npm run rules`).toBe(text);
    }
  });

  it('take their thresholds from the SLO source', () => {
    const alerts = renderRules()['alerts.yml'];
    expect(alerts).toContain(`(14.4 * ${Number((1 - SLO_TARGETS.availability).toFixed(6))})`);
    expect(alerts).toContain(`payment-code deadline`);
    expect(renderRules()['recording.yml']).toContain(`le="${SLO_TARGETS.paymentCodeSeconds}"`);
  });

  it('scaled for a run of seconds, every window is divided and promtool accepts them', () => {
    const scaled = renderRules(RUN_TIME_SCALE);
    expect(scaled['recording.yml']).toContain('[1m]'); // 1h / 60
    expect(scaled['recording.yml']).not.toContain('[1h]');
    expect(scaled['alerts.yml']).toContain('for: 2s'); // 2m / 60
    const dir = mkdtempSync(join(tmpdir(), 'obs-rules-'));
    try {
      for (const [name, text] of Object.entries(scaled)) writeFileSync(join(dir, name), text);
      const { ok, output } = promtool('check', 'rules', join(dir, 'recording.yml'), join(dir, 'alerts.yml'));
      expect(ok, output).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('alert annotations', () => {
  const alerts = (
    parse(readFileSync(`${dir}rules/alerts.yml`, 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; annotations?: Record<string, string> }> }>;
    }
  ).groups.flatMap((group) => group.rules);
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const anchors = new Set([...readme.matchAll(/^#{2,3} (.+)$/gm)].map((m) => (m[1] as string).toLowerCase()));

  it('every alert has a summary, a description and a runbook section in observability/README.md', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(11);
    for (const { alert, annotations } of alerts) {
      expect(annotations?.summary, alert).toMatch(/\S/);
      expect(annotations?.description, alert).toMatch(/\S/);
      const anchor = /^observability\/README\.md#(.+)$/.exec(annotations?.runbook_url ?? '')?.[1];
      expect(anchor, `${alert} runbook_url`).toBe(alert.toLowerCase());
      expect(anchors.has(anchor ?? ''), `${alert}: no "### ${alert}" section`).toBe(true);
    }
  });
});
