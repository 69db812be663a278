import { describe, expect, it } from 'vitest';
import { PAID_AT_SKEW_MS, trustedPaidAt } from './paid-at.ts';

const issued = Date.parse('2026-03-02T01:00:00Z');
const received = issued + 30 * 60_000;

describe('trustedPaidAt', () => {
  it('keeps a paidAt between the bill and the receipt as sent', () => {
    const sent = issued + 10 * 60_000;
    expect(trustedPaidAt(sent, received, issued)).toEqual({ ok: true, paidAt: new Date(sent) });
  });

  it('clamps a paidAt a little after the receipt (clock skew) to the receipt time', () => {
    const verdict = trustedPaidAt(received + 60_000, received, issued);
    expect(verdict).toEqual({ ok: true, paidAt: new Date(received) });
  });

  it('refuses a paidAt in 2099, naming both instants', () => {
    const verdict = trustedPaidAt(Date.parse('2099-01-01T00:00:00Z'), received, issued);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.reason).toBe('after-receipt');
    expect(verdict.detail).toContain('2099-01-01T00:00:00.000Z');
    expect(verdict.detail).toContain(new Date(received).toISOString());
  });

  it('refuses a paidAt from before the bill was issued', () => {
    const verdict = trustedPaidAt(issued - PAID_AT_SKEW_MS - 1, received, issued);
    expect(verdict).toMatchObject({ ok: false, reason: 'before-issue' });
  });

  it('allows the skew on both sides and no more', () => {
    expect(trustedPaidAt(received + PAID_AT_SKEW_MS, received, issued).ok).toBe(true);
    expect(trustedPaidAt(received + PAID_AT_SKEW_MS + 1, received, issued).ok).toBe(false);
    expect(trustedPaidAt(issued - PAID_AT_SKEW_MS, received, issued).ok).toBe(true);
  });

  it('checks only the receipt bound when the bill is unknown', () => {
    expect(trustedPaidAt(0, received, null).ok).toBe(true);
  });
});
