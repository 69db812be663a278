// Every query of every generated dashboard runs against a real Prometheus (/usr/bin/prometheus) that
// scraped a real run: the stack (hardened, PGlite) and the embedded load runner repeating the smoke
// journey for 5 s (fixtures/smoke-loop.js) with its live /metrics endpoint, all scraped every second with the recording rules loaded. Each query
// must be accepted; the API and load panels must return data, except the ones listed in NO_DATA_YET. The
// annotation queries run too: the run's testid is annotated; the smoke run injects no fault, so the fault
// annotation is only accepted, and its gauge is checked to exist.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, type Stack, startStack } from '@paspor-lab/target-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDashboards } from '../grafana/src/generate.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const TESTID = 'obs-dashboards';
const repo = fileURLToPath(new URL('../../', import.meta.url));
const rulesDir = fileURLToPath(new URL('../prometheus/rules/', import.meta.url));

/** Panel queries allowed to return no series after a smoke run, with the reason. */
const NO_DATA_YET: Record<string, string> = {
  'Invariant violations':
    'mpaspor_invariant_violations has an invariant label: no series exists until an invariant check reports one',
  'Admission control: shed by reason':
    'mpaspor_admission_shed_total has a reason label: no series exists until admission control sheds, and a smoke run never does',
  'Dropped iterations':
    'k6_dropped_iterations_total exists only for arrival-rate executors; the smoke loop uses constant-vus',
};

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir = '';
let stack: Stack | undefined;
let prometheus: ChildProcess | undefined;
let promUrl = '';
let promLog = '';
let runnerLog = '';
const window = { start: 0, end: 0 };

beforeAll(async () => {
  if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing: run apt-get install -y prometheus`);
  dir = mkdtempSync(join(tmpdir(), 'obs-dashboards-'));
  stack = await startStack({ profile: 'hardened', port: 0, billingPort: 0 });
  const runnerPort = await freePort();
  const promPort = await freePort();
  const hostOf = (url: string) => new URL(url).host;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: {scrape_interval: 1s, evaluation_interval: 1s}',
      `rule_files: ["${rulesDir}recording.yml", "${rulesDir}alerts.yml"]`,
      'scrape_configs:',
      `  - {job_name: api, static_configs: [{targets: ["${hostOf(stack.apiUrl)}"]}]}`,
      `  - {job_name: billing-sim, static_configs: [{targets: ["${hostOf(stack.billingUrl)}"]}]}`,
      `  - {job_name: load-runner, static_configs: [{targets: ["127.0.0.1:${runnerPort}"]}]}`,
      '',
    ].join('\n'),
  );
  promUrl = `http://127.0.0.1:${promPort}`;
  prometheus = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--enable-feature=exemplar-storage',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stderr?.on('data', (chunk: Buffer) => {
    promLog = (promLog + chunk.toString()).slice(-4000);
  });
  for (let i = 0; ; i++) {
    if (prometheus.exitCode !== null) throw new Error(`prometheus exited:\n${promLog}`);
    const ready = await fetch(`${promUrl}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 100) throw new Error(`prometheus not ready:\n${promLog}`);
    await sleep(100);
  }
  // Prometheus holds its first scrapes back for a few seconds after it is ready (target discovery is
  // throttled): start the run once the API has been scraped twice.
  const samples = async (): Promise<number> => {
    const q = encodeURIComponent('count_over_time(up{job="api"}[1m])');
    const answer = (await (await fetch(`${promUrl}/api/v1/query?query=${q}`)).json()) as RangeAnswer & {
      data?: { result: Array<{ value: [number, string] }> };
    };
    return Number(answer.data?.result[0]?.value[1] ?? 0);
  };
  for (let i = 0; (await samples()) < 2; i++) {
    if (i > 150) throw new Error(`prometheus never scraped the API:\n${promLog}`);
    await sleep(100);
  }

  window.start = Date.now() / 1000;
  const runner = spawn(
    process.execPath,
    [
      'load-runner/bin/k6.ts',
      'run',
      'observability/test/fixtures/smoke-loop.js',
      '-e',
      `API_URL=${stack.apiUrl}`,
      '-e',
      `BILLING_URL=${stack.billingUrl}`,
      '-e',
      `ADMIN_TOKEN=${stack.adminToken}`,
      '--metrics-port',
      String(runnerPort),
      '--testid',
      TESTID,
      '--quiet',
      '--no-summary',
      '--no-thresholds',
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const collect = (chunk: Buffer) => {
    runnerLog = (runnerLog + chunk.toString()).slice(-4000);
  };
  runner.stdout?.on('data', collect);
  runner.stderr?.on('data', collect);
  const code = await exited(runner);
  if (code !== 0) throw new Error(`the smoke run exited ${code}:\n${runnerLog}`);
  // Two more scrapes and rule evaluations of the stack after the run.
  await sleep(2_500);
  window.end = Date.now() / 1000;
}, 90_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    prometheus.kill('SIGTERM');
    await Promise.race([exited(prometheus), sleep(5_000)]);
    if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
  }
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** Grafana's variables, as a dashboard on this run would substitute them. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '4s')
    .replaceAll('$__interval', '1s')
    .replaceAll('$office', '.*')
    .replaceAll('$testid', TESTID);
}

interface RangeAnswer {
  status: string;
  error?: string;
  data?: { result: unknown[] };
}

async function queryRange(expr: string): Promise<RangeAnswer> {
  const body = new URLSearchParams({
    query: expr,
    start: String(window.start),
    end: String(window.end),
    step: '1',
  });
  const response = await fetch(`${promUrl}/api/v1/query_range`, { method: 'POST', body });
  return (await response.json()) as RangeAnswer;
}

const boards = Object.entries(renderDashboards()).map(([name, text]) => {
  const board = JSON.parse(text) as {
    panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
    annotations: { list: Array<{ name: string; expr?: string }> };
  };
  return {
    name,
    panels: board.panels.filter((panel) => panel.type !== 'row'),
    annotations: board.annotations.list.flatMap(({ name, expr }) => (expr ? [{ name, expr }] : [])),
  };
});

describe('dashboard queries on a real Prometheus after a real run', () => {
  for (const { name, panels } of boards) {
    for (const panel of panels) {
      it(`${name}: ${panel.title}`, async () => {
        for (const target of panel.targets ?? []) {
          const expr = substitute(target.expr);
          expect(expr, 'no Grafana variable left').not.toMatch(/\$/);
          const answer = await queryRange(expr);
          expect(answer.status, `${expr}: ${answer.error ?? ''}`).toBe('success');
          if (!(panel.title in NO_DATA_YET)) {
            expect(answer.data?.result.length ?? 0, `${expr} returned no series`).toBeGreaterThan(0);
          }
        }
      });
    }
  }

  const annotations = boards.flatMap(({ name, annotations }) =>
    annotations.map((a) => ({ board: name, ...a })),
  );

  for (const annotation of annotations) {
    it(`${annotation.board}: annotation "${annotation.name}"`, async () => {
      const expr = substitute(annotation.expr);
      expect(expr, 'no Grafana variable left').not.toMatch(/\$/);
      const answer = await queryRange(expr);
      expect(answer.status, `${expr}: ${answer.error ?? ''}`).toBe('success');
      if (annotation.name === 'Load-test runs') {
        const testids = (answer.data?.result ?? []).map(
          (s) => (s as { metric: { testid?: string } }).metric.testid,
        );
        expect(testids).toEqual([TESTID]);
      }
    });
  }

  it('the fault annotation reads a gauge the billing simulator exposes (0 with no fault injected)', async () => {
    const answer = await queryRange('max by (group) (billing_sim_fault_active)');
    const groups = (answer.data?.result ?? []).map((s) => (s as { metric: { group: string } }).metric.group);
    expect(groups.sort()).toEqual(['billing', 'notices']);
  });

  it('the exceptions name real panels', () => {
    const titles = new Set(boards.flatMap((board) => board.panels.map((panel) => panel.title)));
    for (const title of Object.keys(NO_DATA_YET)) expect(titles.has(title), title).toBe(true);
  });
});
