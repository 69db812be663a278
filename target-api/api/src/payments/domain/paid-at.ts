// What the service trusts of a bank notice's `paidAt` (docs/DOMAIN.md, "The journey" (step 6, Pay)). The notice is signed, but
// the instant in it is the bank's claim: a notice that says the bill was paid in 2099, or before its code
// existed, is bad data, not a payment time. Pure: the caller passes the instants.

/**
 * How far a notice's paidAt may lie after the moment the notice is received: the two systems' clocks
 * disagree by seconds in the field, never by minutes (simulated minutes: the accelerated clock scales
 * the skew with everything else).
 */
export const PAID_AT_SKEW_MS = 5 * 60_000;

export type PaidAtVerdict =
  | { ok: true; paidAt: Date }
  | { ok: false; reason: 'after-receipt' | 'before-issue'; detail: string };

/**
 * The payment instant the booking records. Refused: a paidAt later than the receipt by more than the
 * skew, or earlier than the bill's issue by more than the skew (`issuedAtMs` null: the notice names no
 * known bill, and matching it refuses it on its own). Trusted: the sent value, clamped to the receipt
 * time, so a booking is never paid "in the future"; the notice row keeps the sent value for audit.
 */
export function trustedPaidAt(
  sentMs: number,
  receivedMs: number,
  issuedAtMs: number | null,
  skewMs = PAID_AT_SKEW_MS,
): PaidAtVerdict {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (sentMs > receivedMs + skewMs) {
    return {
      ok: false,
      reason: 'after-receipt',
      detail: `paidAt ${iso(sentMs)} is later than the notice's receipt at ${iso(receivedMs)}`,
    };
  }
  if (issuedAtMs !== null && sentMs < issuedAtMs - skewMs) {
    return {
      ok: false,
      reason: 'before-issue',
      detail: `paidAt ${iso(sentMs)} is earlier than the bill's issue at ${iso(issuedAtMs)}`,
    };
  }
  return { ok: true, paidAt: new Date(Math.min(sentMs, receivedMs)) };
}
