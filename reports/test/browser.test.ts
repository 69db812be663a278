// The three reports (one run, a verification, a history) opened in real headless Chromium
// (/usr/bin/chromium, Debian's package): no console error, every chart drawn with data points, a
// screenshot saved beside the report; report.json checked against schema/report.schema.json with Ajv;
// every Markdown table parsed by a real Markdown parser (marked) with as many cells as headers.
import { access, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { marked, type Tokens } from 'marked';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHistory, renderReports } from '../src/index.ts';
import { CHROMIUM_PATH } from '../src/render/pdf.ts';
import { tempParent, writeRunFolder } from './fixtures.ts';
import { writeVerificationFolder } from './verification-fixture.ts';

let parent: string;
let browser: Browser;

beforeAll(async () => {
  await access(CHROMIUM_PATH).catch(() => {
    throw new Error(`${CHROMIUM_PATH} is missing: install it with "apt-get install -y chromium"`);
  });
  parent = await tempParent();
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  // PASPOR_KEEP_REPORTS=1 keeps the reports and screenshots to look at (the path is printed).
  if (process.env.PASPOR_KEEP_REPORTS) process.stdout.write(`reports kept in ${parent}\n`);
  else if (parent) await rm(parent, { recursive: true, force: true });
});

interface Drawn {
  title: string;
  points: number;
  marks: number;
  empty: boolean;
}

/** Opens a report as a reader does (file://, nothing else reachable), screenshots it, lists its charts. */
async function open(file: string, screenshot: string) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  const charts: Drawn[] = await page.$$eval('figure.chart-figure', (figures) =>
    figures.map((f) => {
      const svg = f.querySelector('svg.chart');
      return {
        title: f.querySelector('figcaption')?.textContent?.trim() ?? '',
        points: Number(svg?.getAttribute('data-points') ?? 0),
        // What the eye sees: lines, areas, bars and dots with real geometry.
        marks: svg
          ? [...svg.querySelectorAll('path.series, path.dot, rect.bar')].filter((el) => {
              // getBBox exists on SVG elements; the tsconfig carries no DOM library to say so.
              const box = (el as unknown as { getBBox(): { width: number; height: number } }).getBBox();
              return box.width > 0 || box.height > 0;
            }).length
          : 0,
        empty: svg?.classList.contains('chart-empty') ?? true,
      };
    }),
  );
  const heading = await page.textContent('h1');
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { errors, requests, charts, heading };
}

// ajv's CommonJS build: the class is the module's default export.
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
let validateReport: ReturnType<typeof ajv.compile>;

beforeAll(async () => {
  const schema = JSON.parse(
    await readFile(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'),
  );
  validateReport = ajv.compile(schema);
});

async function expectValidReportJson(dir: string) {
  const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
  const ok = validateReport(json);
  expect(ajv.errorsText(validateReport.errors), 'report.json against schema/report.schema.json').toBe(
    'No errors',
  );
  expect(ok).toBe(true);
  return json;
}

/** Every table of a Markdown file, as marked parses it; a table that broke would not be a table token. */
function markdownTables(md: string): Tokens.Table[] {
  const tables: Tokens.Table[] = [];
  marked.walkTokens(marked.lexer(md), (token) => {
    if (token.type === 'table') tables.push(token as Tokens.Table);
  });
  return tables;
}

function expectTablesParse(md: string, minTables: number) {
  const tables = markdownTables(md);
  expect(tables.length).toBeGreaterThanOrEqual(minTables);
  for (const t of tables) {
    expect(t.header.length).toBeGreaterThan(1);
    for (const row of t.rows) expect(row).toHaveLength(t.header.length);
  }
  // A row that lost its table (a pipe in a cell left unescaped, a blank line missing) shows as a
  // paragraph starting with "|".
  const strays = marked.lexer(md).filter((t) => t.type === 'paragraph' && t.raw.trimStart().startsWith('|'));
  expect(strays).toEqual([]);
  return tables;
}

describe('a single-run report in headless Chromium', () => {
  it('draws every chart with data points, logs no error, fetches nothing, and is saved as a screenshot', async () => {
    const dir = await writeRunFolder(parent, 'legacy', { id: 'run-legacy-single' });
    await renderReports(dir, { formats: ['html', 'md', 'json'] });
    const shot = join(dir, 'report.png');
    const page = await open(join(dir, 'report.html'), shot);
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.heading).toBe('Reliability report');
    const titles = page.charts.map((c) => c.title);
    expect(titles).toEqual([
      'Latency (ms) per second: p50, p95, p99 against the SLO',
      'Booking outcomes per second (as the service counted them)',
      'Wait for the kode billing (s), per second, against the objective',
      'Errors by class, per second',
      'Seats taken since the start, all released slots',
      'Oversold slots: seats given against capacity',
      'Server event-loop lag, p99 (ms), per second',
    ]);
    for (const chart of page.charts) {
      expect(chart.empty, chart.title).toBe(false);
      expect(chart.points, chart.title).toBeGreaterThan(0);
      expect(chart.marks, chart.title).toBeGreaterThan(0);
    }
    expect((await stat(shot)).size).toBeGreaterThan(50_000);
    const json = await expectValidReportJson(dir);
    expect(json.kind).toBe('run');
    expect(json.candidate.journeys.map((j: { readiness: string }) => j.readiness)).toEqual([
      'not-ready',
      'ready',
      'not-tested',
      'not-tested',
    ]);
    expectTablesParse(await readFile(join(dir, 'report.md'), 'utf8'), 6);
  }, 60_000);
});

describe('a verification report in headless Chromium', () => {
  it('shows the journeys, the claims and a strip chart per claim, in Indonesian too', async () => {
    const dir = await writeVerificationFolder(parent, { id: 'verify-legacy-hardened', runs: 3 });
    await renderReports(dir, { formats: ['html', 'md', 'json'] });
    const page = await open(join(dir, 'report.html'), join(dir, 'report.png'));
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.heading).toBe('Fix verification');
    const strips = page.charts.filter((c) =>
      /^(availability|p95|p99|payment code|quota-race|duplicate-submit)/.test(c.title),
    );
    expect(strips.length).toBe(6);
    for (const chart of page.charts) {
      expect(chart.empty, chart.title).toBe(false);
      expect(chart.points, chart.title).toBeGreaterThan(0);
      expect(chart.marks, chart.title).toBeGreaterThan(0);
    }
    // Three runs a side: one dot each.
    expect(strips.find((c) => c.title.startsWith('quota-race'))?.points).toBe(6);
    const json = await expectValidReportJson(dir);
    expect(json).toMatchObject({ kind: 'verification', verdict: { status: 'verified', exitCode: 0 } });
    expect(json.claims.defects.map((d: { id: string; verdict: string }) => [d.id, d.verdict])).toEqual([
      ['quota-race', 'verified'],
      ['duplicate-submit', 'verified'],
    ]);
    const tables = expectTablesParse(await readFile(join(dir, 'report.md'), 'utf8'), 4);
    expect(tables[0]?.header.map((h) => h.text)).toEqual([
      'Journey',
      'Baseline (legacy)',
      'Candidate (hardened)',
    ]);

    await renderReports(dir, { formats: ['html', 'md', 'json'], lang: 'id' });
    const id = await open(join(dir, 'report.html'), join(dir, 'report-id.png'));
    expect(id.errors).toEqual([]);
    expect(id.heading).toBe('Verifikasi Perbaikan');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Perbaikan bertahan: muncul (slot-over-capacity) pada 3 dari 3 uji pembanding');
    expect(html).toContain(
      'Di Kantor Imigrasi Batam, 50 pemohon memperoleh jadwal pada 5 Desember 2026 (sesi siang)',
    );
    await expectValidReportJson(dir);
    expectTablesParse(await readFile(join(dir, 'report.md'), 'utf8'), 4);
  }, 90_000);
});

describe('a history report in headless Chromium', () => {
  it('finds the runs in a folder and in its verification folders, and draws the trend', async () => {
    const runs = join(parent, 'history-runs');
    await writeRunFolder(runs, 'legacy', { id: 'run-a' });
    await writeRunFolder(runs, 'hardened', { id: 'run-b' });
    await writeVerificationFolder(runs, { id: 'verify-1', runs: 3 });
    const { files, history } = await renderHistory(runs, { scenario: 'quota-rush' });
    expect(files).toEqual([join(runs, 'history.html'), join(runs, 'history.md')]);
    expect(history.entries).toHaveLength(8);
    const page = await open(join(runs, 'history.html'), join(runs, 'history.png'));
    expect(page.errors).toEqual([]);
    expect(page.heading).toBe('Run history');
    expect(page.charts).toHaveLength(3);
    for (const chart of page.charts) {
      expect(chart.empty, chart.title).toBe(false);
      expect(chart.points, chart.title).toBe(8);
      expect(chart.marks, chart.title).toBeGreaterThan(0);
    }
    const [table] = expectTablesParse(await readFile(join(runs, 'history.md'), 'utf8'), 1);
    expect(table?.rows).toHaveLength(8);
  }, 60_000);
});
