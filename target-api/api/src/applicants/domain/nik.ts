// NIK (Nomor Induk Kependudukan, the national identity number), pure: 16 digits = 6-digit region code
// (province, city, district), birth date as DDMMYY where women add 40 to the day, then a 4-digit serial.

export type Gender = 'M' | 'F';

/** Province codes (the first two digits) in use. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73,
  74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
]);

export interface ParsedNik {
  regionCode: string;
  /** Day, month and two-digit year as written (the day already without the +40). */
  birthDay: number;
  birthMonth: number;
  birthYear2: number;
  gender: Gender;
  serial: string;
}

export type NikCheck = { ok: true; nik: ParsedNik } | { ok: false; reason: string };

export function parseNik(nik: string): NikCheck {
  if (!/^\d{16}$/.test(nik)) return { ok: false, reason: 'a NIK is exactly 16 digits' };
  const province = Number(nik.slice(0, 2));
  if (!PROVINCES.has(province))
    return { ok: false, reason: `province code ${nik.slice(0, 2)} does not exist` };
  if (nik.slice(2, 4) === '00' || nik.slice(4, 6) === '00') {
    return { ok: false, reason: 'city and district codes cannot be 00' };
  }
  const rawDay = Number(nik.slice(6, 8));
  const gender: Gender = rawDay > 40 ? 'F' : 'M';
  const day = gender === 'F' ? rawDay - 40 : rawDay;
  const month = Number(nik.slice(8, 10));
  const year2 = Number(nik.slice(10, 12));
  if (month < 1 || month > 12)
    return { ok: false, reason: `month ${nik.slice(8, 10)} in the NIK is not 01-12` };
  // Any century works for the day check except 29 Feb, which needs a leap year: try both centuries.
  const validIn = [1900 + year2, 2000 + year2].some((year) => day >= 1 && day <= daysInMonth(year, month));
  if (!validIn) return { ok: false, reason: `day ${nik.slice(6, 8)} in the NIK is not a valid birth day` };
  const serial = nik.slice(12);
  if (serial === '0000') return { ok: false, reason: 'the serial (last 4 digits) cannot be 0000' };
  return {
    ok: true,
    nik: { regionCode: nik.slice(0, 6), birthDay: day, birthMonth: month, birthYear2: year2, gender, serial },
  };
}

/** Checks the NIK against the applicant's stated birth date ('YYYY-MM-DD') and gender. */
export function checkNikMatches(nik: string, dateOfBirth: string, gender: Gender): NikCheck {
  const parsed = parseNik(nik);
  if (!parsed.ok) return parsed;
  const [year, month, day] = dateOfBirth.split('-').map(Number);
  if (parsed.nik.gender !== gender) {
    return {
      ok: false,
      reason: `the NIK's day encodes gender ${parsed.nik.gender}, the applicant is ${gender}`,
    };
  }
  if (
    parsed.nik.birthDay !== day ||
    parsed.nik.birthMonth !== month ||
    parsed.nik.birthYear2 !== (year ?? 0) % 100
  ) {
    return { ok: false, reason: 'the birth date in the NIK does not match dateOfBirth' };
  }
  return parsed;
}

export function isValidDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Builds a valid NIK (used by /admin/seed and tests). */
export function makeNik(regionCode: string, dateOfBirth: string, gender: Gender, serial: number): string {
  const [year, month, day] = dateOfBirth.split('-');
  const dd = gender === 'F' ? Number(day) + 40 : Number(day);
  return `${regionCode}${String(dd).padStart(2, '0')}${month}${(year ?? '').slice(2)}${String(serial).padStart(4, '0')}`;
}

/** Whole years of age on `today` ('YYYY-MM-DD'). */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  let age = (ty ?? 0) - (by ?? 0);
  if ((tm ?? 0) < (bm ?? 0) || (tm === bm && (td ?? 0) < (bd ?? 0))) age--;
  return age;
}
