import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { activeDefects, DEFECT_IDS, InvalidDefectError, parseDefectList } from './defects.ts';

describe('defect switches', () => {
  it('gives legacy every defect of the catalogue and hardened none', () => {
    expect([...activeDefects('legacy')].sort()).toEqual([...DEFECT_IDS].sort());
    expect(activeDefects('hardened').size).toBe(0);
  });

  it('lets an explicit list replace the profile set', () => {
    expect([...activeDefects('legacy', parseDefectList('quota-race, billing-fragile'))]).toEqual([
      'quota-race',
      'billing-fragile',
    ]);
    expect(activeDefects('legacy', []).size).toBe(0);
  });

  it('refuses an unknown defect naming the valid ones', () => {
    expect(() => parseDefectList('quota-race,typo')).toThrow(InvalidDefectError);
    expect(() => parseDefectList('typo')).toThrow(/valid defects are quota-race, billing-fragile/);
  });
});

describe('configuration', () => {
  it('reads defaults, with flags winning over the environment', () => {
    const config = loadConfig({ PROFILE: 'legacy', PORT: '9000' }, { profile: 'hardened', port: 9100 });
    expect(config).toMatchObject({
      profile: 'hardened',
      port: 9100,
      paymentWindowMinutes: 120,
      applicantLimit: 5,
    });
    expect(config.defects.size).toBe(0);
    expect(config.adminTokenGenerated).toBe(true);
  });

  it('sizes admission control to the database engine unless told otherwise', () => {
    expect(loadConfig({}).admissionMaxInFlight).toBe(64);
    const pg = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', DB_POOL_SIZE: '6' };
    expect(loadConfig(pg).admissionMaxInFlight).toBe(12);
    expect(loadConfig({ ...pg, ADMISSION_MAX_IN_FLIGHT: '3' }).admissionMaxInFlight).toBe(3);
    expect(loadConfig({}).admissionMaxEventLoopDelayMs).toBe(50);
    expect(() => loadConfig({ ADMISSION_RETRY_AFTER_SECONDS: '0' })).toThrow(/ADMISSION_RETRY_AFTER_SECONDS/);
  });

  it('says what is wrong and how to mend it', () => {
    expect(() => loadConfig({ CLOCK_SPEED: '-2' })).toThrow(ConfigError);
    expect(() => loadConfig({ DB_POOL_SIZE: 'ten' })).toThrow(/DB_POOL_SIZE="ten" is not an integer >= 1/);
    expect(() => loadConfig({ PROFILE: 'medium' })).toThrow(/use legacy or hardened/);
    expect(() => loadConfig({ BILLING_URL: 'not a url' })).toThrow(/BILLING_URL/);
  });
});
