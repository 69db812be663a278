import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, parseRunOptions, UsageError } from './run-options.ts';

describe('parseRunOptions', () => {
  it('defaults to the hardened profile, the embedded engine and a fresh stack', () => {
    expect(parseRunOptions('smoke', {}, {})).toEqual({
      scenario: 'smoke',
      profile: 'hardened',
      defects: undefined,
      short: false,
      target: undefined,
      engine: 'embedded',
      out: undefined,
      allowRemoteTarget: false,
    });
  });

  it('names the closest scenario and the valid ones when the scenario is unknown', () => {
    expect(() => parseRunOptions('qouta-rush', {}, {})).toThrow(
      new UsageError(
        'unknown scenario "qouta-rush": did you mean quota-rush? (valid: smoke, quota-rush, quota-hoarding, payment-code-failure, payment-expiry, lost-notices, outage-2023, soak, breakpoint, crash-recovery, slow-database)',
      ),
    );
    expect(() => parseRunOptions('rush', {}, {})).toThrow(/^unknown scenario "rush": \(valid: smoke, /);
  });

  it('names the valid profiles, defects and engines', () => {
    expect(() => parseRunOptions('smoke', { profile: 'hardend' }, {})).toThrow(
      'unknown profile "hardend": did you mean hardened? (valid: legacy, hardened)',
    );
    expect(() => parseRunOptions('smoke', { defects: 'quota-race,qouta-race2' }, {})).toThrow(
      /unknown defect "qouta-race2": did you mean quota-race\? \(valid: quota-race, billing-fragile/,
    );
    expect(() => parseRunOptions('smoke', { engine: 'gatling' }, {})).toThrow(/\(valid: embedded, k6\)/);
  });

  it('keeps an explicit defect list, deduplicated, and an empty one as "no defects"', () => {
    expect(parseRunOptions('quota-rush', { defects: 'quota-race, quota-race' }, {}).defects).toEqual([
      'quota-race',
    ]);
    expect(parseRunOptions('quota-rush', { defects: '' }, {}).defects).toEqual([]);
  });

  it('takes a loopback target with its billing simulator and admin token from flags or environment', () => {
    const options = parseRunOptions(
      'smoke',
      { target: 'http://127.0.0.1:8080/' },
      {
        BILLING_URL: 'http://localhost:8081',
        ADMIN_TOKEN: 'secret',
      },
    );
    expect(options.target).toEqual({
      apiUrl: 'http://127.0.0.1:8080',
      billingUrl: 'http://localhost:8081',
      adminToken: 'secret',
    });
  });

  it('refuses a target that is not loopback, or that lacks its billing simulator or token', () => {
    const flags = { billingTarget: 'http://127.0.0.1:8081', adminToken: 't' };
    expect(() => parseRunOptions('smoke', { ...flags, target: 'http://10.0.0.5:8080' }, {})).toThrow(
      /not a loopback address/,
    );
    expect(() => parseRunOptions('smoke', { target: 'http://127.0.0.1:8080', adminToken: 't' }, {})).toThrow(
      /--billing-target/,
    );
    expect(() =>
      parseRunOptions('smoke', { target: 'http://127.0.0.1:8080', billingTarget: flags.billingTarget }, {}),
    ).toThrow(/--admin-token/);
    expect(() => parseRunOptions('smoke', { ...flags, target: 'ftp://127.0.0.1' }, {})).toThrow(
      /not an http\(s\) URL/,
    );
  });

  it('takes a target outside loopback only with --allow-remote-target', () => {
    const flags = { billingTarget: 'http://10.0.0.5:8081', adminToken: 't', target: 'http://10.0.0.5:8080' };
    expect(() => parseRunOptions('smoke', flags, {})).toThrow(/unless you add --allow-remote-target/);
    const allowed = parseRunOptions('smoke', { ...flags, allowRemoteTarget: true }, {});
    expect(allowed.allowRemoteTarget).toBe(true);
    expect(allowed.target?.apiUrl).toBe('http://10.0.0.5:8080');
  });
});

describe('isLoopbackUrl', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost only', () => {
    expect(isLoopbackUrl('http://127.8.9.10:1')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:8080')).toBe(true);
    expect(isLoopbackUrl('http://localhost')).toBe(true);
    expect(isLoopbackUrl('http://128.0.0.1')).toBe(false);
    expect(isLoopbackUrl('http://example.com')).toBe(false);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });
});
