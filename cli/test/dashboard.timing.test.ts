// `paspor-lab run quota-rush --short --dashboard 0` as a user runs it (a child process: the embedded
// runner and the page server, against a real target this test starts), watched in real headless
// Chromium (/usr/bin/chromium): the
// charts and the request count grow while the load runs, the latency chart carries the SLO lines, the
// alerts panel says none are watched without --observe, no console error, nothing fetched from outside
// the page's own server, and at the end the page links the report, which opens; then the page leaves
// and the command ends with the run's verdict. Timing: the page is read a second apart on a 1 s
// ticker; every wait is bounded for a machine three times slower than a quiet one. The target is
// started here with a long readiness bound and given with --target: on a saturated machine the run's own
// 60 s bound for the API to come up is what fails, and that start is not what this test is about.
import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SLO_TARGETS } from '@paspor-lab/load-scenarios/slo';
import { type Stack, startStack } from '@paspor-lab/target-api';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/paspor-lab.ts', import.meta.url));
const CHROMIUM = '/usr/bin/chromium'; // Debian's package, as the PDF report uses it

let browser: Browser;
let scratch: string;
let child: ChildProcess | undefined;
let stack: Stack | undefined;

beforeAll(async () => {
  await access(CHROMIUM).catch(() => {
    throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium"`);
  });
  scratch = await mkdtemp(join(tmpdir(), 'paspor-live-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await stack?.stop();
  await browser?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Polls `read` until it gives a value, for at most `ms`. */
async function until<T>(read: () => T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Reading {
  state: string;
  points: Record<string, number>;
  figures: Record<string, string>;
  sloLines: string[];
  alerts: string;
}

describe('run --dashboard', () => {
  it('shows the run live in Chromium and links its report at the end', { timeout: 480_000 }, async () => {
    stack = await startStack({
      profile: 'hardened',
      port: 0,
      billingPort: 0,
      readyTimeoutMs: 180_000,
      output: { file: join(scratch, 'target.log') },
    });
    const started = spawn(
      process.execPath,
      [
        bin,
        'run',
        'quota-rush',
        '--short',
        '--target',
        stack.apiUrl,
        '--billing-target',
        stack.billingUrl,
        '--admin-token',
        stack.adminToken,
        '--dashboard',
        '0',
        '--out',
        join(scratch, 'run'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    let output = '';
    started.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    started.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => started.once('exit', resolve));

    const url = await until(
      () => /live page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1],
      60_000,
      'the live page line',
    );
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.route('**/*', (route) => {
      const asked = route.request().url();
      if (asked.startsWith(url)) return route.continue();
      elsewhere.push(asked);
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });

    // Read through Playwright's element handles: this file is compiled without the DOM's types.
    const read = async (): Promise<Reading> => ({
      state: (await page.getAttribute('body', 'data-state')) ?? '',
      points: Object.fromEntries(
        await page.$$eval('#charts figure', (figures) =>
          figures.map((f) => [
            f.id.replace('chart-', ''),
            Number(f.querySelector('svg')?.getAttribute('data-points')),
          ]),
        ),
      ),
      figures: Object.fromEntries(
        await page.$$eval('.figure', (boxes) =>
          boxes.map((b) => [b.id.replace('figure-', ''), b.querySelector('.value')?.textContent ?? '']),
        ),
      ),
      sloLines: await page.$$eval('#chart-latency line.slo title', (titles) =>
        titles.map((t) => t.textContent ?? ''),
      ),
      alerts: (await page.textContent('#alerts-list')) ?? '',
    });
    const requests = (r: Reading) => Number((r.figures.requests ?? '').replace(/,/g, ''));
    let ended: number | null | undefined;
    void exited.then((code) => {
      ended = code;
    });
    /**
     * Reads the page every 200 ms until `done` holds, for at most `ms`; gives up with the command's own
     * words when it ended first (the target did not start, say) or when the time ran out.
     */
    const waitFor = async (what: string, done: (r: Reading) => boolean, ms: number): Promise<Reading> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const reading = await read();
        if (done(reading)) return reading;
        if (ended !== undefined || reading.state === 'ended' || Date.now() > deadline) {
          const why =
            ended !== undefined
              ? `the command ended (exit ${ended})`
              : reading.state === 'ended'
                ? 'the run ended'
                : `${ms} ms passed`;
          throw new Error(
            `${why} before ${what}; the page: ${JSON.stringify(reading)}\n${output.slice(-2000)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    // The load has begun once the page draws its first point.
    const first = await waitFor(
      'the load began',
      (r) => r.state === 'running' && (r.points.rate ?? 0) > 0,
      120_000,
    );
    // Growth while the run goes: the ticker stops when the load ends, so a later point is a live one.
    await waitFor('the rate chart grew', (r) => (r.points.rate ?? 0) > (first.points.rate ?? 0), 20_000);
    await waitFor('the request count grew', (r) => requests(r) > requests(first), 30_000);
    const second = await read();
    expect(second.points.rate).toBeGreaterThan(first.points.rate ?? 0);
    expect(requests(second)).toBeGreaterThan(requests(first));
    expect(second.alerts).toMatch(/No alerts are watched in this run: add --observe/);

    // The end: the verdict and the report link, once the run folder has its report.
    const last = await waitFor('the report link', (r) => r.state === 'ended', 150_000);
    expect(await page.$('#report-link'), 'the report link').not.toBeNull();
    expect(last.state).toBe('ended');
    expect(last.points.latency, 'booking latency drawn').toBeGreaterThan(0);
    expect(last.points.vus, 'VUs drawn').toBeGreaterThan(0);
    expect(last.points.seats, 'seats left drawn from the target').toBeGreaterThan(0);
    expect(last.sloLines).toEqual([
      `SLO p95 ${SLO_TARGETS.latencyP95Ms} ms`,
      `SLO p99 ${SLO_TARGETS.latencyP99Ms} ms`,
    ]);
    expect(await page.textContent('#end')).toMatch(/^(PASS|FAIL): /);
    expect(errors, 'console errors on the live page').toEqual([]);
    expect(elsewhere, 'requests outside the page server').toEqual([]);

    const [report] = await Promise.all([page.waitForNavigation(), page.click('#report-link')]);
    expect(report?.status()).toBe(200);
    expect(await page.title()).toMatch(/quota-rush/);

    // The page left: the command waits a few seconds for it to come back, then ends with the verdict.
    await page.close();
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000)),
    ]);
    expect([0, 99], output.slice(-2000)).toContain(code);
    expect(output).toMatch(/run folder: /);
  });
});
