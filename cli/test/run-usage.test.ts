// `paspor-lab run` refuses bad input with one line naming the valid values, and exit 2, before it
// starts anything.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/paspor-lab.ts', import.meta.url));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });

describe('paspor-lab run: usage errors', () => {
  it('an unknown scenario exits 2 with one line listing the scenarios', () => {
    const result = cli('run', 'rush-hour');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'paspor-lab run: unknown scenario "rush-hour": (valid: smoke, quota-rush, payment-code-failure, payment-expiry, soak, breakpoint)\n',
    );
  });

  it('an unknown profile or defect exits 2 naming the valid values', () => {
    const profile = cli('run', 'smoke', '--profile', 'patched');
    expect(profile.status).toBe(2);
    expect(profile.stderr.trim().split('\n')).toEqual([
      'paspor-lab run: unknown profile "patched": (valid: legacy, hardened)',
    ]);
    const defect = cli('run', 'smoke', '--defects', 'quota-race,typo');
    expect(defect.status).toBe(2);
    expect(defect.stderr).toMatch(/^paspor-lab run: unknown defect "typo": \(valid: quota-race, /);
  });

  it('a non-loopback target exits 2 without sending load', () => {
    const result = cli(
      'run',
      'smoke',
      '--target',
      'http://192.0.2.10:8080',
      '--billing-target',
      'http://127.0.0.1:1',
      '--admin-token',
      't',
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not a loopback address/);
  });

  it('a missing scenario is a usage error too', () => {
    expect(cli('run').status).toBe(2);
  });
});
