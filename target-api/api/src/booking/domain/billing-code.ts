// The shape of an MPN G2 billing code (kode billing): 15 digits; PNBP codes start with 7, 8 or 9.

export const BILLING_CODE_PATTERN = /^[789]\d{14}$/;

export function isBillingCode(value: unknown): value is string {
  return typeof value === 'string' && BILLING_CODE_PATTERN.test(value);
}
