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
      'paspor-lab run: unknown scenario "rush-hour": (valid: smoke, quota-rush, quota-hoarding, payment-code-failure, payment-expiry, lost-notices, outage-2023, soak, breakpoint, crash-recovery, slow-database)\n',
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

  it('a non-loopback target is refused for --engine k6 too, naming --allow-remote-target', () => {
    const result = cli(
      'run',
      'smoke',
      '--engine',
      'k6',
      '--target',
      'http://192.0.2.10:8080',
      '--billing-target',
      'http://192.0.2.10:8081',
      '--admin-token',
      't',
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'paspor-lab run: --target "http://192.0.2.10:8080" is not a loopback address; load goes only to 127.0.0.0/8, ::1 or localhost unless you add --allow-remote-target',
    ]);
  });

  it('a mistyped scenario, profile or engine gets the closest name', () => {
    expect(cli('run', 'qouta-rush').stderr).toBe(
      'paspor-lab run: unknown scenario "qouta-rush": did you mean quota-rush? (valid: smoke, quota-rush, quota-hoarding, payment-code-failure, payment-expiry, lost-notices, outage-2023, soak, breakpoint, crash-recovery, slow-database)\n',
    );
    expect(cli('run', 'smoke', '--profile', 'legasy').stderr).toMatch(/did you mean legacy\?/);
    expect(cli('run', 'smoke', '--engine', 'k7').stderr).toMatch(/did you mean k6\?/);
  });

  it('a missing scenario is a usage error too', () => {
    const result = cli('run');
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      "paspor-lab: missing required argument 'scenario' (paspor-lab --help lists the commands and options)",
    ]);
  });
});

describe('paspor-lab: unknown commands and options', () => {
  it('an unknown command exits 2 with one line naming the closest command', () => {
    const result = cli('rn', 'smoke');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "paspor-lab: unknown command 'rn': did you mean run? (paspor-lab --help lists the commands and options)\n",
    );
  });

  it('an unknown option exits 2 with one line naming the closest option', () => {
    const result = cli('run', 'smoke', '--profil', 'legacy');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "paspor-lab: unknown option '--profil': did you mean --profile? (paspor-lab --help lists the commands and options)\n",
    );
  });

  // Six processes, each loading the whole CLI: slow on a busy machine.
  it('every command documents its exit codes in --help', { timeout: 120_000 }, () => {
    for (const args of [[], ['run'], ['serve'], ['demo'], ['doctor'], ['k6', 'run']]) {
      const result = cli(...args, '--help');
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toMatch(/\nExit codes:\n\s+0 {2}\S/);
    }
  });
});
