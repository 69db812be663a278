// Passport fees of PP 45/2024 (in force from mid-December 2024), in integer rupiah.

import type { ServiceCategory } from '../../calendar/slots.ts';

export type { ServiceCategory };
export type PassportType = 'E_PASPOR' | 'NON_ELEKTRONIK';
export type ValidityYears = 5 | 10;

const BASE_FEE: Record<PassportType, Record<ValidityYears, number>> = {
  E_PASPOR: { 5: 650_000, 10: 950_000 },
  NON_ELEKTRONIK: { 5: 350_000, 10: 650_000 },
};

/** PERCEPATAN (same-day express service) adds this on top of the passport fee. */
export const PERCEPATAN_SURCHARGE = 1_000_000;

export function passportFee(
  type: PassportType,
  validityYears: ValidityYears,
  category: ServiceCategory,
): number {
  const base = BASE_FEE[type][validityYears];
  return category === 'PERCEPATAN' ? base + PERCEPATAN_SURCHARGE : base;
}

/** Ten-year passports are for adults (17 or older, or married); children get five years. */
export function allowedValidity(ageYears: number, married: boolean): ValidityYears[] {
  return ageYears >= 17 || married ? [5, 10] : [5];
}
