// Bearer tokens signed with HMAC (no database lookup per request): base64url("<accountId>.<expSeconds>")
// + "." + HMAC. Revocation is by expiry only, which is enough for a load-test target.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenSigner {
  issue(accountId: string, nowMs: number): { token: string; expiresAt: string };
  verify(token: string, nowMs: number): string | undefined;
}

export function createTokenSigner(secret: string, ttlSeconds: number): TokenSigner {
  const mac = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    issue(accountId, nowMs) {
      const exp = Math.floor(nowMs / 1000) + ttlSeconds;
      const payload = Buffer.from(`${accountId}.${exp}`).toString('base64url');
      return { token: `${payload}.${mac(payload)}`, expiresAt: new Date(exp * 1000).toISOString() };
    },
    verify(token, nowMs) {
      if (token.length > 512) return undefined;
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) return undefined;
      const expected = Buffer.from(mac(payload));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      const [accountId, exp] = Buffer.from(payload, 'base64url').toString().split('.');
      if (!accountId || !exp || Number(exp) * 1000 < nowMs) return undefined;
      return accountId;
    },
  };
}
