// Renders real run folders written to a temp directory (fixtures.ts) and reads back the files.
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRunFolders, ReportOptionsError, RunFolderError, renderReports } from '../src/index.ts';
import { tempParent, writeRunFolder } from './fixtures.ts';

let parent: string;
let legacy: string;
let hardened: string;
const generatedAt = '2026-11-28T09:20:00.000Z';

beforeAll(async () => {
  parent = await tempParent();
  legacy = await writeRunFolder(parent, 'legacy', { id: 'run-legacy' });
  hardened = await writeRunFolder(parent, 'hardened', { id: 'run-hardened' });
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** Every src/href/url() that points off the page (http, https, protocol-relative). */
function externalReferences(html: string): string[] {
  return [
    ...html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]*)/gi),
    ...html.matchAll(/url\(\s*["']?((?:https?:)?\/\/[^)"']*)/gi),
    ...html.matchAll(/@import/gi),
  ].map((m) => m[1] ?? m[0]);
}

describe('renderReports with a baseline', () => {
  let files: string[];
  let html: string;

  beforeAll(async () => {
    ({ files } = await renderReports(hardened, {
      baselineDir: legacy,
      formats: ['html', 'md', 'json'],
      generatedAt,
    }));
    html = await readFile(join(hardened, 'report.html'), 'utf8');
  });

  it('writes report.html, report.md and report.json into the candidate run folder', () => {
    expect(files).toEqual(['report.html', 'report.md', 'report.json'].map((f) => join(hardened, f)));
  });

  it('detects an external reference when a page has one (the check below can fail)', () => {
    expect(
      externalReferences('<img src="https://cdn.example/x.png"><link href=//fonts.example/f.css>'),
    ).toHaveLength(2);
  });

  it('writes a self-contained HTML page: no script, no external reference, charts inline as SVG', () => {
    expect(externalReferences(html)).toEqual([]);
    expect(html).not.toMatch(/<script|<link|<img|<iframe/i);
    // latency against the SLO lines, outcomes and errors per side, seats, oversold slots, event-loop lag
    for (const title of [
      'Latency (ms) per second: p50, p95, p99 against the SLO',
      'Booking outcomes per second (as the service counted them) · baseline',
      'Errors by class, per second · candidate',
      'Seats taken since the start, all released slots',
      'Oversold slots: seats given against capacity · baseline',
    ]) {
      expect(html).toContain(`<figcaption>${title}</figcaption>`);
    }
    expect(html.match(/<svg class="chart"/g)?.length).toBeGreaterThanOrEqual(8);
    expect(html.match(/<path class="series"/g)?.length).toBeGreaterThanOrEqual(8);
    expect(html).toContain('<title>SLO p95 500 ms</title>');
  });

  it('puts the verdict at the top and shows both runs', () => {
    const verdictAt = html.indexOf('The fix is proven: the baseline run run-legacy failed on');
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(html.indexOf('<main>'));
    expect(html).toContain('data-status="proven"');
    expect(html).toContain('Baseline: run-legacy');
    expect(html).toContain('Candidate: run-hardened');
    expect(html).toContain('<td>http://127.0.0.1:8080, http://127.0.0.1:8081</td>');
    expect(html).toContain('baseline p95');
  });

  it('tabulates the SLOs with target, baseline and candidate figures', () => {
    const row = html.match(/<tr data-slo="latencyP95">(.*?)<\/tr>/)?.[1] ?? '';
    expect(row).toContain('≤ 500 ms');
    expect(row).toContain('<span class="bad" title="not ok">1,843.2 ms</span>');
    expect(row).toContain('<span class="ok" title="ok">212.4 ms</span>');
    expect(html).toMatch(
      /<tr data-slo="invariants">.*?class="bad" title="not ok">17<.*?class="ok" title="ok">0</,
    );
  });

  it('lists the invariants with counts and a few examples, escaped', () => {
    expect(html).toContain('<code>slot-over-capacity</code>');
    expect(html).toContain('kanim-batam|2026-12-01|PAGI|REGULER');
    expect(html).toContain(
      'At Kantor Imigrasi Batam 50 applicants were given 40 seats on 5 December 2026 (afternoon session).',
    );
    expect(html).toContain('7 more not shown');
    expect(html).toContain('&quot;capacity&quot;:40');
  });

  it("shows the service's own counters as increases over the run, and the samples it could not take", () => {
    // legacy books 9 a second over 30 samples: 261 between the first and the last; hardened 7 a second.
    expect(html).toMatch(
      /<code>mpaspor_booking_attempts_total\.booked<\/code><\/td><td class="num">261<\/td><td class="num">203<\/td>/,
    );
    expect(html).toContain('Baseline: 1 samples could not be taken');
  });

  it('writes Markdown with the verdict and the SLO table for a pull request', async () => {
    const md = await readFile(join(hardened, 'report.md'), 'utf8');
    expect(md).toMatch(/^# Reliability report: quota-rush\n\n> ✅ \*\*FIX PROVEN\*\*: The fix is proven/);
    expect(md).toContain('| Objective | Target | Baseline | Candidate | Status |');
    expect(md).toContain('`http_req_duration{step:book}` | `p(95)<500` | ❌ not ok');
  });

  it('writes a machine-readable verdict in report.json', async () => {
    const json = JSON.parse(await readFile(join(hardened, 'report.json'), 'utf8'));
    expect(json.verdict).toMatchObject({ status: 'proven', ok: true });
    expect(json.comparison.proven).toBe(true);
    expect(json.baseline.passed).toBe(false);
    expect(json.candidate.passed).toBe(true);
    expect(json.candidate.slos.find((s: { id: string }) => s.id === 'availability').value).toBeCloseTo(
      0.9993,
      4,
    );
    expect(json.pdf).toBeNull();
  });
});

describe('renderReports', () => {
  it('writes the whole report in Indonesian when asked', async () => {
    const dir = await writeRunFolder(parent, 'legacy', { id: 'run-id' });
    await renderReports(dir, { lang: 'id', formats: ['html', 'md'], generatedAt });
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<html lang="id">');
    expect(html).toContain('<h1>Laporan Keandalan</h1>');
    expect(html).toContain('Uji run-id (quota-rush) gagal pada invarian slot-over-capacity (14 pelanggaran)');
    expect(html).toContain('Sasaran tingkat layanan (SLO)');
    expect(html).toContain('96,88%');
    expect(html).not.toMatch(/Run details|Thresholds|Objective/);
  });

  it('says "not proven" when the candidate did not check the invariants the baseline failed on', async () => {
    const dir = await writeRunFolder(parent, 'hardened', { id: 'run-noinv', withInvariants: false });
    await renderReports(dir, { baselineDir: legacy, formats: ['json', 'html'], generatedAt });
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json.verdict.status).toBe('not-proven');
    expect(json.verdict.sentence).toContain('did not measure invariant slot-over-capacity');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('run-noinv: invariants.json is missing: the invariants were not checked.');
  });

  it('draws a "no data" note instead of charts for a run without timeseries.ndjson', async () => {
    const dir = await writeRunFolder(parent, 'hardened', { id: 'run-noseries', withTimeseries: false });
    await renderReports(dir, { formats: ['html'], generatedAt });
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    // The latency chart needs the load engine's series; outcomes and errors come from the service's samples.
    expect(html).toMatch(
      /<figcaption>Latency \(ms\) per second[^<]*<\/figcaption><svg class="chart chart-empty" data-points="0"/,
    );
    expect(html).toMatch(
      /<figcaption>Booking outcomes per second[^<]*<\/figcaption><svg class="chart" data-points="58"/,
    );
  });

  it('skips the PDF with a note in report.json when Chromium is not installed', async () => {
    const dir = await writeRunFolder(parent, 'hardened', { id: 'run-nochrome' });
    const { files } = await renderReports(dir, {
      chromiumPath: join(parent, 'no-chromium-here'),
      generatedAt,
    });
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['report.html', 'report.md', 'report.json']);
    await expect(stat(join(dir, 'report.pdf'))).rejects.toThrow(/ENOENT/);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json.pdf.written).toBe(false);
    expect(json.pdf.note).toMatch(/Chromium is not installed .*apt-get install -y chromium/);
  });

  it('still writes HTML, Markdown and JSON, with a note, when the browser fails to start', async () => {
    const dir = await writeRunFolder(parent, 'hardened', { id: 'run-badchrome' });
    // /bin/false exists and is executable but is no browser: the launch fails at once.
    const { files } = await renderReports(dir, { chromiumPath: '/bin/false', generatedAt });
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['report.html', 'report.md', 'report.json']);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json.pdf.written).toBe(false);
    expect(json.pdf.note).toMatch(/^no PDF: Chromium could not print the report: /);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain(
      '- No PDF was made: Chromium could not print the report',
    );
  });

  it('refuses a folder without summary.json with a named error saying what to pass', async () => {
    const error = await renderReports(join(parent, 'nothing-here')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFolderError);
    expect((error as RunFolderError).message).toMatch(
      /has no summary\.json: pass the folder of a finished run/,
    );
  });

  it('refuses an unknown format before reading anything', async () => {
    await expect(renderReports(legacy, { formats: ['docx' as 'html'] })).rejects.toThrow(ReportOptionsError);
  });
});

describe('a run that could not be done', () => {
  it('fails with the engine error, and a baseline that crashed proves no fix', async () => {
    const crashed = await writeRunFolder(parent, 'legacy', {
      id: 'run-crashed',
      error: 'k6 exited with code 107',
    });
    const single = await compareRunFolders(crashed, crashed, { generatedAt });
    expect(single.model.candidate.assessment.reasons[0]).toEqual({
      kind: 'run',
      key: 'error',
      detail: 'k6 exited with code 107',
    });
    const result = await compareRunFolders(crashed, hardened, { generatedAt });
    expect(result.status).toBe('not-proven');
    expect(result.sentence).toBe(
      'The fix is not proven: the baseline run run-crashed could not be completed (k6 exited with code 107), so it shows no failure of the service to compare against.',
    );
  });
});

describe('compareRunFolders', () => {
  it('gives the CLI a verdict, a side-by-side SLO table and exit code 0 when the fix is proven', async () => {
    const result = await compareRunFolders(legacy, hardened, { generatedAt });
    expect(result.exitCode).toBe(0);
    expect(result.text.split('\n')[0]).toMatch(/^FIX PROVEN: The fix is proven/);
    expect(result.text).toMatch(
      /Booking latency, 95th percentile\s+≤ 500 ms\s+1,843\.2 ms \(not ok\)\s+212\.4 ms \(ok\)/,
    );
  });

  it('exits 99 when the candidate is the failing run', async () => {
    const result = await compareRunFolders(hardened, legacy, { lang: 'id', generatedAt });
    expect(result.status).toBe('not-proven');
    expect(result.exitCode).toBe(99);
    expect(result.sentence).toContain('tidak gagal');
  });
});
