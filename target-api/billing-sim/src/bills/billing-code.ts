// Kode billing: the 15-digit payment code of the MPN G2 state-revenue system. PNBP (non-tax revenue, which
// passport fees are) codes start with 7, 8 or 9. The last digit is a Luhn check digit, so a mistyped code
// is caught before a lookup.
import { randomInt } from 'node:crypto';

export const BILLING_CODE_LENGTH = 15;
export const PNBP_PREFIXES = ['7', '8', '9'] as const;

/** Returns an integer in [0, bound); injectable so tests can make generation deterministic. */
export type RandomInt = (bound: number) => number;

const cryptoRandomInt: RandomInt = (bound) => randomInt(bound);

export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  // Walk from the right: the digit next to the (future) check digit is doubled first.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function generateBillingCode(random: RandomInt = cryptoRandomInt): string {
  let body = PNBP_PREFIXES[random(PNBP_PREFIXES.length)] ?? '8';
  while (body.length < BILLING_CODE_LENGTH - 1) body += String(random(10));
  return body + String(luhnCheckDigit(body));
}

/** True for a well-formed PNBP billing code: 15 digits, prefix 7/8/9, valid check digit. */
export function isBillingCode(code: string): boolean {
  if (!/^[789]\d{14}$/.test(code)) return false;
  return luhnCheckDigit(code.slice(0, -1)) === Number(code.slice(-1));
}
