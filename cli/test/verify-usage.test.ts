// Bad input to `paspor-lab verify` (and the demo): one line naming what is wrong and how to mend it,
// exit 2, and nothing written. Real processes of the real command; no run is started.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/paspor-lab.ts', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'paspor-verify-usage-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function verify(args: string[], env: Record<string, string> = {}) {
  const out = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PASPOR_LANG: '', ...env },
    timeout: 60_000,
  });
  return { code: out.status, stderr: out.stderr, stdout: out.stdout };
}

describe('paspor-lab verify, bad usage', () => {
  it.each([
    [['verify', 'quota-rush', '--runs', '0'], /--runs "0" is not a whole number from 1 to 50/],
    [['verify', 'quota-rush', '--runs', 'many'], /--runs "many" is not a whole number/],
    [
      ['verify', 'quota-rush', '--lang', 'fr'],
      /unknown language "fr" \(--lang\): use --lang en or --lang id/,
    ],
    [
      ['verify', 'quota-rush', '--format', 'html,docx'],
      /unknown report format "docx": use some of html,md,json,pdf/,
    ],
    [
      ['verify', 'quota-rush', '--baseline', 'legacy', '--baseline-defects', 'quota-race'],
      /keep one of them/,
    ],
    [
      ['verify', 'quota-rush', '--candidate-defects', 'quota-rice'],
      /unknown defect "quota-rice" in --candidate-defects/,
    ],
    [['verify', 'quota-rush', '--baseline', 'ancient'], /unknown --baseline profile "ancient"/],
    [['verify', 'rush-hour'], /unknown scenario "rush-hour": \(valid: smoke, quota-rush, /],
    [['verify', 'quota-rush', '--target', 'http://192.0.2.10:8080'], /not a loopback address/],
    [['demo', '--lang', 'jv'], /unknown language "jv"/],
  ])('%j: one line, exit 2, nothing written', (args, message) => {
    const out = verify(args);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('reads the default language from PASPOR_LANG and says so when it is wrong', () => {
    const out = verify(['verify', 'quota-rush', '--runs', '1'], { PASPOR_LANG: 'klingon' });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/unknown language "klingon" \(PASPOR_LANG\)/);
  });

  it('refuses an --out folder that already holds files, and leaves them as they were', () => {
    const out = join(cwd, 'taken');
    mkdirSync(out);
    writeFileSync(join(out, 'verification.json'), '{}');
    const result = verify(['verify', 'quota-rush', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out ".*taken" is not empty: name a new or empty folder/);
    expect(readdirSync(out)).toEqual(['verification.json']);
    rmSync(out, { recursive: true });
  });
});
