// A refund at the billing simulator, across the two real processes (startStack) over real HTTP, on
// PGlite and (api-postgres pass) PostgreSQL: nobody refunds a PAID bill without the admin token or the
// API's signature (anyone could); an operator's refund reaches the API as a signed refund notice, and the
// booking leaves PAID by the API's rules (CANCELLED, refund recorded, the seat back in the pool), where
// it used to stay PAID on a refunded bill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../serve.ts';
import { refundSigningText, signNotice } from '../shared/notice-signature.ts';
import { type TestDatabase, testDatabase } from './support/database.ts';
import { eventually, http } from './support/http.ts';

let stack: Stack;
let database: TestDatabase | undefined;

beforeAll(async () => {
  database = process.env.PASPOR_TEST_DB === 'postgres' ? await testDatabase('paspor_refund') : undefined;
  stack = await startStack({
    port: 0,
    billingPort: 0,
    databaseUrl: database?.url,
    noticeSecret: 'refund-test-notice-secret',
    env: { LOG_LEVEL: 'warn' },
  });
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

const officeId = 'kanim-batam';
const date = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);

/** A PAID booking, paid at the simulated bank; with the seats taken on its slot. */
async function paidBooking() {
  const api = http(stack.apiUrl);
  const bank = http(stack.billingUrl);
  const admin = { authorization: `Bearer ${stack.adminToken}` };
  const seeded = await api.post('/admin/seed', { accounts: 1 }, admin);
  const account = seeded.body.accounts[0];
  const user = { authorization: `Bearer ${account.token}` };
  await api.post('/admin/releases', { officeId, dates: [date] }, admin);
  // Admission control may shed a booking on this shared machine (503, Retry-After): retry as a client does.
  const booked = await eventually(
    async () => {
      const answer = await api.post(
        '/v1/bookings',
        {
          applicantId: account.applicants[0].applicantId,
          officeId,
          date,
          session: 'PAGI',
          category: 'REGULER',
          passportType: 'E_PASPOR',
          validityYears: 10,
          applicationType: 'BARU',
          purpose: 'wisata',
        },
        user,
      );
      return answer.status === 503 ? undefined : answer;
    },
    30_000,
    1_000,
  );
  expect([201, 202], JSON.stringify(booked.body)).toContain(booked.status);
  const withCode = await eventually(async () => {
    const booking = await api.get(`/v1/bookings/${booked.body.id}`, user);
    return booking.body.billingCode ? booking.body : undefined;
  });
  expect((await bank.post(`/v1/bills/${withCode.billingCode}/pay`, { channel: 'ATM' })).status).toBe(200);
  await eventually(async () => {
    const booking = await api.get(`/v1/bookings/${booked.body.id}`, user);
    return booking.body.status === 'PAID' ? booking.body : undefined;
  });
  return { api, bank, admin, user, id: booked.body.id as string, code: withCode.billingCode as string };
}

async function taken(api: ReturnType<typeof http>): Promise<number> {
  const rows = (await api.get(`/v1/offices/${officeId}/availability?from=${date}&days=1`)).body as {
    session: string;
    category: string;
    taken: number;
  }[];
  return rows.find((row) => row.session === 'PAGI' && row.category === 'REGULER')?.taken ?? -1;
}

describe('refunds at the billing simulator', () => {
  it('refuses a refund without the admin token or a valid API signature, and nothing changes', async () => {
    const { api, bank, user, id, code } = await paidBooking();
    const ts = Math.floor(Date.now() / 1000);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-the-token' },
      {
        'x-signature': signNotice('wrong-secret', refundSigningText(code), ts),
        'x-signature-timestamp': String(ts),
      },
      // Signed for another bill: a signature cannot be moved from one bill to another.
      {
        'x-signature': signNotice('refund-test-notice-secret', refundSigningText('712345678901234'), ts),
        'x-signature-timestamp': String(ts),
      },
    ];
    for (const headers of attempts) {
      const refused = await bank.post(`/v1/bills/${code}/refund`, {}, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(401);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
    expect((await bank.get(`/v1/bills/${code}`)).body.status).toBe('PAID');
    expect((await api.get(`/v1/bookings/${id}`, user)).body.status).toBe('PAID');
  }, 90_000);

  it("tells the API of an operator's refund: the booking leaves PAID, its seat is freed, invariants hold", async () => {
    const { api, bank, admin, user, id, code } = await paidBooking();
    const seatsBefore = await taken(api);
    const refunded = await bank.post(`/v1/bills/${code}/refund`, {}, admin);
    expect(refunded.status).toBe(200);
    expect(refunded.body).toEqual({ status: 'REFUNDED' });

    const after = await eventually(async () => {
      const booking = await api.get(`/v1/bookings/${id}`, user);
      return booking.body.status !== 'PAID' ? booking.body : undefined;
    });
    expect(after).toMatchObject({ status: 'CANCELLED', refundStatus: 'REFUNDED' });
    // Availability is served from a short-lived cache (hardened): wait for the freed seat to show.
    await eventually(async () => ((await taken(api)) === seatsBefore - 1 ? true : undefined), 10_000);
    expect((await api.get(`/v1/bookings/${id}/proof`, user)).status).not.toBe(200);

    const log = await bank.get('/admin/notices', admin);
    const mine = log.body.notices.filter((n: { billingCode: string }) => n.billingCode === code);
    expect(mine.map((n: { kind: string; status: string }) => [n.kind, n.status])).toEqual([
      ['payment', 'delivered'],
      ['refund', 'delivered'],
    ]);
    // A second refund of the same bill is refused; the API saw one refund.
    expect((await bank.post(`/v1/bills/${code}/refund`, {}, admin)).status).toBe(409);
    expect((await api.get('/admin/invariants', admin)).body).toMatchObject({ ok: true });
  }, 90_000);

  it('refuses an unsigned or forged refund notice at the API, leaving the booking PAID', async () => {
    const { api, user, id, code } = await paidBooking();
    const notice = JSON.stringify({
      noticeId: 'forged',
      billingCode: code,
      bookingId: id,
      amount: 950_000,
      refundedAt: new Date().toISOString(),
    });
    const ts = Math.floor(Date.now() / 1000);
    for (const headers of [
      {},
      { 'x-signature': signNotice('wrong', notice, ts), 'x-signature-timestamp': String(ts) },
    ]) {
      const response = await fetch(`${stack.apiUrl}/v1/refund-notices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: notice,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      await response.arrayBuffer();
    }
    expect((await api.get(`/v1/bookings/${id}`, user)).body.status).toBe('PAID');
  }, 90_000);
});
