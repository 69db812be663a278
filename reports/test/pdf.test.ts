// Prints a real report through the machine's headless Chromium (/usr/bin/chromium, Debian package
// `chromium`). No stand-in: without Chromium this test fails and says how to install it.
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReports } from '../src/index.ts';
import { CHROMIUM_PATH } from '../src/render/pdf.ts';
import { tempParent, writeRunFolder } from './fixtures.ts';

let parent: string;

beforeAll(async () => {
  await access(CHROMIUM_PATH).catch(() => {
    throw new Error(`${CHROMIUM_PATH} is missing: install it with "apt-get install -y chromium"`);
  });
  parent = await tempParent();
});

afterAll(async () => {
  if (parent) await rm(parent, { recursive: true, force: true });
});

describe('report.pdf', () => {
  it('prints the baseline-vs-candidate report to a PDF with real headless Chromium', async () => {
    const baseline = await writeRunFolder(parent, 'legacy', { id: 'run-legacy' });
    const candidate = await writeRunFolder(parent, 'hardened', { id: 'run-hardened' });
    const { files } = await renderReports(candidate, { baselineDir: baseline, formats: ['pdf', 'json'] });
    expect(files).toEqual([join(candidate, 'report.pdf'), join(candidate, 'report.json')]);
    const pdf = await readFile(join(candidate, 'report.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Each page object is "/Type /Page" (the page tree is "/Type /Pages", excluded by the lookahead).
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThan(0);
    const json = JSON.parse(await readFile(join(candidate, 'report.json'), 'utf8'));
    expect(json.pdf).toEqual({ written: true });
  }, 60_000);
});
