import { describe, expect, it } from 'vitest';
import { ageOn, checkNikMatches, isValidDate, makeNik, parseNik } from './nik.ts';

describe('NIK validation', () => {
  it('accepts a man born 12 Aug 1990 in Jakarta Pusat and reads the embedded date', () => {
    const result = parseNik('3171011208900001');
    expect(result).toEqual({
      ok: true,
      nik: { regionCode: '317101', birthDay: 12, birthMonth: 8, birthYear2: 90, gender: 'M', serial: '0001' },
    });
  });

  it('reads a woman from the day plus 40', () => {
    const result = parseNik('2171055203950123');
    expect(result.ok && result.nik.gender).toBe('F');
    expect(result.ok && result.nik.birthDay).toBe(12);
  });

  it.each([
    ['317101120890001', 'a NIK is exactly 16 digits'],
    ['31710112089000a1', 'a NIK is exactly 16 digits'],
    ['9971011208900001', 'province code 99 does not exist'],
    ['3171011213900001', 'month 13 in the NIK is not 01-12'],
    ['3171013202900001', 'day 32 in the NIK is not a valid birth day'],
    ['3171017202900001', 'day 72 in the NIK is not a valid birth day'],
    ['3171011208900000', 'the serial (last 4 digits) cannot be 0000'],
  ])('refuses %s: %s', (nik, reason) => {
    expect(parseNik(nik)).toEqual({ ok: false, reason });
  });

  it('refuses a NIK whose date or gender disagrees with the applicant', () => {
    expect(checkNikMatches('3171011208900001', '1990-08-13', 'M').ok).toBe(false);
    expect(checkNikMatches('3171011208900001', '1990-08-12', 'F').ok).toBe(false);
    expect(checkNikMatches('3171011208900001', '1990-08-12', 'M').ok).toBe(true);
  });

  it('builds NIKs that parse back', () => {
    const nik = makeNik('217105', '2001-02-28', 'F', 42);
    expect(nik).toBe('2171056802010042');
    expect(checkNikMatches(nik, '2001-02-28', 'F').ok).toBe(true);
  });

  it('knows calendar dates and ages', () => {
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2023-02-29')).toBe(false);
    expect(ageOn('2008-06-01', '2025-05-31')).toBe(16);
    expect(ageOn('2008-06-01', '2025-06-01')).toBe(17);
  });
});
