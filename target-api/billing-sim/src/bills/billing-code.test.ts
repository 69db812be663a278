import { describe, expect, it } from 'vitest';
import { generateBillingCode, isBillingCode, luhnCheckDigit } from './billing-code.ts';

describe('billing code', () => {
  it('is 15 digits, starts with a PNBP prefix (7, 8 or 9) and carries a valid check digit', () => {
    for (let i = 0; i < 2_000; i++) {
      const code = generateBillingCode();
      expect(code).toMatch(/^[789]\d{14}$/);
      expect(isBillingCode(code)).toBe(true);
    }
  });

  it('uses every PNBP prefix', () => {
    const prefixes = new Set(Array.from({ length: 300 }, () => generateBillingCode()[0]));
    expect([...prefixes].sort()).toEqual(['7', '8', '9']);
  });

  it('computes the Luhn check digit of a known number', () => {
    // 7992739871 is the textbook Luhn example; its check digit is 3.
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });

  it('rejects a code with one digit changed, a wrong prefix or a wrong length', () => {
    const code = generateBillingCode(() => 1); // prefix 8, then all ones
    expect(code.slice(0, 14)).toBe('81111111111111');
    const lastBodyDigit = Number(code[13]);
    const typo = `${code.slice(0, 13)}${(lastBodyDigit + 1) % 10}${code[14]}`;
    expect(isBillingCode(typo)).toBe(false);
    expect(isBillingCode(`1${code.slice(1)}`)).toBe(false);
    expect(isBillingCode(code.slice(1))).toBe(false);
  });
});
