// The Prometheus configuration, rules and their unit tests, checked by the installed promtool
// (Debian's `prometheus` package, which .ci/run installs when it is missing). No skip: a missing
// promtool is a failure naming the package to install.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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

describe('alert annotations', () => {
  const alerts = (
    parse(readFileSync(`${dir}rules/alerts.yml`, 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; annotations?: Record<string, string> }> }>;
    }
  ).groups.flatMap((group) => group.rules);
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const anchors = new Set([...readme.matchAll(/^#{2,3} (.+)$/gm)].map((m) => (m[1] as string).toLowerCase()));

  it('every alert has a summary, a description and a runbook section in observability/README.md', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(9);
    for (const { alert, annotations } of alerts) {
      expect(annotations?.summary, alert).toMatch(/\S/);
      expect(annotations?.description, alert).toMatch(/\S/);
      const anchor = /^observability\/README\.md#(.+)$/.exec(annotations?.runbook_url ?? '')?.[1];
      expect(anchor, `${alert} runbook_url`).toBe(alert.toLowerCase());
      expect(anchors.has(anchor ?? ''), `${alert}: no "### ${alert}" section`).toBe(true);
    }
  });
});
