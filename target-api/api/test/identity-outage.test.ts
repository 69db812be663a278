// identity-fragile (docs/DEFECTS.md): login while the identity store fails or hangs, the outage of
// early 2023. Legacy answers a bare 500, or waits as long as the store takes; the fix answers a 503 with
// Retry-After within its timeout, and once the store has failed five times in a row stops asking it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PASSWORD } from '../src/admin/seed.ts';
import { IDENTITY_RETRY_AFTER_S, IDENTITY_TIMEOUT_MS } from '../src/defects/identity-fragile.ts';
import { admin, createHarness, type Harness, seed } from './helper.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  await harness?.close();
});

async function withIdentityFaults(options: { profile?: 'legacy' | 'hardened'; defects?: string }) {
  const { app } = await harness.app(options);
  const [who] = await seed(app, 1);
  if (!who) throw new Error('seed failed');
  const setFaults = async (identity: { latencyMs?: number; errorRate?: number } | null) => {
    const response = await app.inject({
      method: identity ? 'PUT' : 'DELETE',
      url: '/admin/faults',
      headers: admin,
      ...(identity ? { payload: { identity } } : {}),
    });
    expect(response.statusCode).toBe(200);
  };
  const login = async () => {
    const started = Date.now();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: who.email, password: SEED_PASSWORD },
    });
    return { response, ms: Date.now() - started };
  };
  return { setFaults, login };
}

describe('identity-fragile: login while the identity store is down', () => {
  it('answers a bare 500 when the store fails, with identity-fragile alone', async () => {
    const { setFaults, login } = await withIdentityFaults({ defects: 'identity-fragile' });
    expect((await login()).response.statusCode).toBe(200);
    await setFaults({ errorRate: 1 });
    const { response } = await login();
    expect(response.statusCode).toBe(500);
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.json().type).toMatch(/\/internal$/);
  });

  it('waits as long as a hung store takes, with identity-fragile alone', async () => {
    const { setFaults, login } = await withIdentityFaults({ defects: 'identity-fragile' });
    await setFaults({ latencyMs: IDENTITY_TIMEOUT_MS * 2 });
    const { response, ms } = await login();
    expect(response.statusCode).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(IDENTITY_TIMEOUT_MS * 2);
  });

  it('answers 503 identity-unavailable with Retry-After within its timeout when hardened', async () => {
    const { setFaults, login } = await withIdentityFaults({ profile: 'hardened' });
    await setFaults({ latencyMs: IDENTITY_TIMEOUT_MS * 5 });
    const { response, ms } = await login();
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['retry-after']).toBe(String(IDENTITY_RETRY_AFTER_S));
    expect(response.json()).toMatchObject({ type: expect.stringMatching(/\/identity-unavailable$/) });
    expect(response.json().detail).toContain('did not answer');
    expect(response.json().detail).toContain('walk-in');
    expect(ms).toBeGreaterThanOrEqual(IDENTITY_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(IDENTITY_TIMEOUT_MS * 4);
  });

  it('stops asking a store that failed five times in a row, then lets one call through again', async () => {
    const { setFaults, login } = await withIdentityFaults({ profile: 'hardened' });
    await setFaults({ errorRate: 1 });
    for (let i = 0; i < 5; i++) {
      const { response } = await login();
      expect(response.statusCode).toBe(503);
      expect(response.json().detail).toContain('failed');
    }
    await setFaults(null);
    // The store is back, but the breaker is open: answered at once, without asking it.
    const open = await login();
    expect(open.response.statusCode).toBe(503);
    expect(open.response.json().detail).toContain('is failing');
    await new Promise((resolve) => setTimeout(resolve, IDENTITY_RETRY_AFTER_S * 1000 + 100));
    expect((await login()).response.statusCode).toBe(200);
  });

  it('keeps a wrong password a 401, not a store failure, when hardened', async () => {
    const { app } = await harness.app({ profile: 'hardened' });
    const [who] = await seed(app, 1);
    for (let i = 0; i < 6; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: who?.email, password: 'not-the-password' },
      });
      expect(response.statusCode).toBe(401);
    }
  });
});
