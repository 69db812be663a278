// `paspor-lab report` as a user runs it: the real command in its own process, on run folders written
// by fixtures.ts. Bad input is one line on stderr, exit 2, and no file written.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempParent, writeRunFolder } from './fixtures.ts';

const bin = fileURLToPath(new URL('../../cli/bin/paspor-lab.ts', import.meta.url));
let parent: string;
let legacy: string;
let hardened: string;
let smoke: string;

function report(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'report', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PASPOR_LANG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const reportsIn = async (dir: string) => (await readdir(dir)).filter((f) => /^(report|history)\./.test(f));

beforeAll(async () => {
  parent = await tempParent();
  legacy = await writeRunFolder(parent, 'legacy', { id: 'run-legacy' });
  hardened = await writeRunFolder(parent, 'hardened', { id: 'run-hardened' });
  smoke = await writeRunFolder(parent, 'hardened', { id: 'run-smoke', scenario: 'smoke' });
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('paspor-lab report', () => {
  it('renders a candidate against its baseline, says the fix is proven and exits 0', () => {
    const r = report(hardened, '--baseline', legacy, '--format', 'html,md,json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^FIX PROVEN: The fix is proven/);
    expect(r.stdout).toContain(`written: ${join(hardened, 'report.json')}`);
  });

  it('exits 99 for a failed run, in Indonesian with --lang id', () => {
    const r = report(legacy, '--lang', 'id', '--format', 'md');
    expect(r.code).toBe(99);
    expect(r.stdout).toMatch(/^GAGAL: Uji run-legacy \(quota-rush\) gagal/);
  });

  it('writes the history of a runs folder, one scenario at a time', async () => {
    const r = report('--history', parent, '--scenario', 'quota-rush');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2 runs\n/);
    expect(await reportsIn(parent)).toEqual(['history.html', 'history.md']);
  });

  const bad: Array<[string, () => string[], RegExp]> = [
    ['a missing folder', () => [join(parent, 'nope')], /does not exist: pass a run folder/],
    [
      'a folder that is no run',
      () => [join(parent, 'empty')],
      /holds neither summary\.json nor verification\.json/,
    ],
    ['an unreadable summary.json', () => [join(parent, 'torn')], /summary\.json is not valid JSON/],
    [
      'folders of different scenarios',
      () => [smoke, '--baseline', legacy],
      /ran scenario smoke but the baseline .* ran quota-rush/,
    ],
    [
      'an unknown language',
      () => [legacy, '--lang', 'fr'],
      /unknown language "fr" \(--lang\): use --lang en or --lang id/,
    ],
    ['an unknown format', () => [legacy, '--format', 'html,docx'], /unknown report format "docx"/],
    [
      'a scenario not in the history',
      () => ['--history', parent, '--scenario', 'soak'],
      /no run of scenario "soak"/,
    ],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what}: one line, exit 2, nothing written`, async () => {
      await mkdir(join(parent, 'empty'), { recursive: true });
      await mkdir(join(parent, 'torn'), { recursive: true });
      await writeFile(join(parent, 'torn', 'summary.json'), '{"metrics": {');
      const before = await Promise.all([legacy, smoke, join(parent, 'torn')].map(reportsIn));
      const r = report(...args());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(await Promise.all([legacy, smoke, join(parent, 'torn')].map(reportsIn))).toEqual(before);
    });
  }
});
