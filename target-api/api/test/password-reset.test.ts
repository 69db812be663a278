// Password reset (docs/DOMAIN.md, the account): a code to the e-mail, then a new password with it; and
// identity-fragile's part in it (docs/DEFECTS.md): while the identity store fails, legacy answers a bare
// 500 and the hardened service a 503 with Retry-After, as for login.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESET_CODE_ATTEMPTS, RESET_CODE_MINUTES } from '../src/accounts/identity.ts';
import { SEED_PASSWORD } from '../src/admin/seed.ts';
import { IDENTITY_RETRY_AFTER_S } from '../src/defects/identity-fragile.ts';
import { admin, createHarness, type Harness, type ManualClock, manualClock, seed } from './helper.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  await harness?.close();
});

const NEW_PASSWORD = 'Kata-sandi-baru-2026';

function client(app: FastifyInstance, email: string) {
  const post = (url: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url, payload: { email, ...payload } });
  return {
    requestReset: () => post('/v1/auth/password-reset', {}),
    confirm: (code: string, newPassword = NEW_PASSWORD) =>
      post('/v1/auth/password-reset/confirm', { code, newPassword }),
    login: (password: string) => post('/v1/auth/login', { password }),
    async codes(): Promise<string[]> {
      const response = await app.inject({
        method: 'GET',
        url: `/admin/mailbox?email=${encodeURIComponent(email)}`,
        headers: admin,
      });
      const messages = response.json().messages as { subject: string; code: string }[];
      return messages.filter((m) => m.subject.startsWith('Reset')).map((m) => m.code);
    },
  };
}

async function withAccount(options: { profile?: 'legacy' | 'hardened'; clock?: ManualClock } = {}) {
  const { app } = await harness.app({
    ...options,
    // The tests below make more attempts than a person would; hardened's rate limit is not their subject.
    env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' },
  });
  const [who] = await seed(app, 1);
  if (!who) throw new Error('seed failed');
  return { app, who, user: client(app, who.email) };
}

describe('password reset', () => {
  it('sends a code to the e-mail; with it the new password logs in and the old one no longer does', async () => {
    const { user } = await withAccount();
    const asked = await user.requestReset();
    expect(asked.statusCode).toBe(202);
    const [code] = await user.codes();
    expect(code).toMatch(/^\d{6}$/);
    expect((await user.confirm(code as string)).json()).toEqual({ reset: true });
    expect((await user.login(NEW_PASSWORD)).statusCode).toBe(200);
    expect((await user.login(SEED_PASSWORD)).statusCode).toBe(401);
    // The code is spent.
    expect((await user.confirm(code as string, 'Another-password-1')).statusCode).toBe(422);
  });

  it('answers an unknown e-mail as a known one and sends nothing, so it does not tell who is registered', async () => {
    const { app } = await withAccount();
    const stranger = client(app, 'nobody-here@example.test');
    const answer = await stranger.requestReset();
    expect(answer.statusCode).toBe(202);
    expect(await stranger.codes()).toEqual([]);
    const refused = await stranger.confirm('123456');
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });

  it(`burns the code after ${RESET_CODE_ATTEMPTS} wrong ones, even if the right one comes next`, async () => {
    const { user } = await withAccount();
    await user.requestReset();
    const [code] = await user.codes();
    const wrong = code === '000000' ? '000001' : '000000';
    // In parallel, as a guessing bot would: the count is kept in the statement that checks the code.
    const answers = await Promise.all(Array.from({ length: RESET_CODE_ATTEMPTS }, () => user.confirm(wrong)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(RESET_CODE_ATTEMPTS).fill(422));
    expect((await user.confirm(code as string)).statusCode).toBe(422);
    expect((await user.login(SEED_PASSWORD)).statusCode).toBe(200);
  });

  it(`refuses a code older than ${RESET_CODE_MINUTES} minutes, saying it expired`, async () => {
    const clock = manualClock();
    const { user } = await withAccount({ clock });
    await user.requestReset();
    const [code] = await user.codes();
    clock.advance(RESET_CODE_MINUTES * 60_000 + 1);
    const late = await user.confirm(code as string);
    expect(late.statusCode).toBe(422);
    expect(late.json().detail).toContain('expired');
  });

  it('refuses a new password that is too short with a 400 that says so, and keeps the code', async () => {
    const { user } = await withAccount();
    await user.requestReset();
    const [code] = await user.codes();
    const short = await user.confirm(code as string, 'short');
    expect(short.statusCode).toBe(400);
    expect(short.json().detail).toMatch(/newPassword/);
    expect((await user.confirm(code as string)).statusCode).toBe(200);
  });
});

describe('identity-fragile: password reset while the identity store is down', () => {
  const storeDown = (app: FastifyInstance) =>
    app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { identity: { errorRate: 1 } },
    });

  it('answers a bare 500 on legacy, and sends no code', async () => {
    const { app, user } = await withAccount({ profile: 'legacy' });
    await storeDown(app);
    const answer = await user.requestReset();
    expect(answer.statusCode).toBe(500);
    expect(answer.headers['retry-after']).toBeUndefined();
    expect(await user.codes()).toEqual([]);
  });

  it('answers 503 identity-unavailable with Retry-After on hardened, for the request and the confirmation', async () => {
    const { app, user } = await withAccount({ profile: 'hardened' });
    await user.requestReset();
    const [code] = await user.codes();
    await storeDown(app);
    for (const answer of [await user.requestReset(), await user.confirm(code as string)]) {
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['retry-after']).toBe(String(IDENTITY_RETRY_AFTER_S));
      expect(answer.json().type).toMatch(/\/identity-unavailable$/);
      expect(answer.json().detail).toContain('password reset');
    }
    // The store is back and the breaker closed again (two failures do not open it): the code still works.
    await app.inject({ method: 'DELETE', url: '/admin/faults', headers: admin });
    expect((await user.confirm(code as string)).statusCode).toBe(200);
  });
});
