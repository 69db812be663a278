import { describe, expect, it } from 'vitest';
import { signNotice, verifyNotice } from './notice-signature.ts';

const secret = 'test-secret';
const body = '{"noticeId":"n1","billingCode":"812345678901234"}';

describe('payment notice signature', () => {
  it('accepts a fresh notice signed with the shared secret', () => {
    const signature = signNotice(secret, body, 1_700_000_000);
    expect(verifyNotice(secret, body, signature, '1700000000', 1_700_000_010)).toEqual({ ok: true });
  });

  it('refuses a body changed after signing', () => {
    const signature = signNotice(secret, body, 1_700_000_000);
    expect(verifyNotice(secret, `${body} `, signature, '1700000000', 1_700_000_000)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a notice older than the tolerance window', () => {
    const signature = signNotice(secret, body, 1_700_000_000);
    expect(verifyNotice(secret, body, signature, '1700000000', 1_700_000_301).ok).toBe(false);
  });

  it('refuses missing and malformed headers', () => {
    expect(verifyNotice(secret, body, undefined, '1', 1)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyNotice(secret, body, 'md5=abc', '1', 1)).toEqual({ ok: false, reason: 'malformed' });
  });
});
