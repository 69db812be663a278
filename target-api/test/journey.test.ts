// The whole M-Paspor journey over real HTTP, with the booking API and the billing simulator running as
// two separate processes (startStack): register, activate from the mailbox, log in, add an applicant,
// book a released slot, wait for the billing code, pay at the simulated bank, see PAID, get the proof.
// On the api-postgres pass (PASPOR_TEST_DB=postgres) the API runs on the machine's PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../serve.ts';
import { type TestDatabase, testDatabase } from './support/database.ts';
import { eventually, http } from './support/http.ts';

// Real processes on a shared 2-core machine: polls wait up to 25 s, so allow a minute per test.
const JOURNEY_TEST_TIMEOUT_MS = 60_000;

let stack: Stack;
let database: TestDatabase | undefined;

beforeAll(async () => {
  database = process.env.PASPOR_TEST_DB === 'postgres' ? await testDatabase('paspor_journey') : undefined;
  stack = await startStack({
    profile: 'hardened',
    port: 0,
    billingPort: 0,
    databaseUrl: database?.url,
    env: { LOG_LEVEL: 'warn' },
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

describe('the booking journey across the API and billing processes', () => {
  it(
    'takes a new user from registration to a PAID booking with a signed proof',
    async () => {
      const api = http(stack.apiUrl);
      const bank = http(stack.billingUrl);
      const admin = { authorization: `Bearer ${stack.adminToken}` };
      const config = await api.get('/admin/config', admin);
      expect(config.body.engine).toBe(database ? 'postgres' : 'pglite');
      const email = `siti.${Date.now()}@example.id`;
      const password = 'kata-sandi-rahasia-1';

      const registered = await api.post('/v1/accounts', {
        name: 'Siti Rahma',
        dateOfBirth: '1990-05-17',
        gender: 'F',
        email,
        phone: '+6281234567890',
        password,
      });
      expect(registered.status).toBe(201);

      const mailbox = await api.get(`/admin/mailbox?email=${encodeURIComponent(email)}`, admin);
      expect(mailbox.status).toBe(200);
      const code = mailbox.body.messages.at(-1)?.code;
      expect(code).toMatch(/\S+/);
      expect((await api.post('/v1/accounts/activate', { email, code })).status).toBe(200);

      const login = await api.post('/v1/auth/login', { email, password });
      expect(login.status).toBe(200);
      const user = { authorization: `Bearer ${login.body.token}` };

      // A woman born 17 May 1990 in Bintan (region 210101): the day is written 17 + 40 = 57.
      const applicant = await api.post(
        '/v1/applicants',
        { nik: '2101015705900001', name: 'Siti Rahma', dateOfBirth: '1990-05-17', gender: 'F' },
        user,
      );
      expect(applicant.status).toBe(201);
      const { applicantId } = applicant.body;

      const officeId = 'kanim-tanjung-uban';
      const date = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      const release = await api.post('/admin/releases', { officeId, dates: [date] }, admin);
      expect(release.status).toBe(201);
      const availability = await api.get(`/v1/offices/${officeId}/availability?from=${date}`);
      expect(availability.status).toBe(200);
      const slot = availability.body.find(
        (s: { date: string; category: string; status: string }) =>
          s.date === date && s.category === 'REGULER' && s.status === 'green',
      );
      expect(slot?.status).toBe('green');

      const booked = await api.post(
        '/v1/bookings',
        {
          applicantId,
          officeId,
          date,
          session: slot.session,
          category: 'REGULER',
          passportType: 'E_PASPOR',
          validityYears: 10,
          applicationType: 'BARU',
          purpose: 'wisata',
        },
        { ...user, 'idempotency-key': `journey-${Date.now()}` },
      );
      expect([201, 202]).toContain(booked.status);
      const bookingId: string = booked.body.id;
      expect(booked.body.fee).toBe(950_000); // electronic, 10 years (PP 45/2024)

      // 202 means the code comes later through the outbox: poll the booking as the app does.
      const withCode = await eventually(async () => {
        const booking = await api.get(`/v1/bookings/${bookingId}`, user);
        return booking.body.billingCode ? booking.body : undefined;
      });
      expect(withCode.status).toBe('WAITING_PAYMENT');
      expect(withCode.billingCode).toMatch(/^[789]\d{14}$/);
      expect(withCode.payBy).toEqual(expect.any(String));

      const bill = await bank.get(`/v1/bills/${withCode.billingCode}`);
      expect(bill.body).toMatchObject({ bookingId, amount: 950_000, status: 'UNPAID' });
      const paid = await bank.post(`/v1/bills/${withCode.billingCode}/pay`, { channel: 'MOBILE_BANKING' });
      expect(paid.status).toBe(200);

      // The simulator's signed notice reaches the API, which marks the booking PAID.
      const paidBooking = await eventually(async () => {
        const booking = await api.get(`/v1/bookings/${bookingId}`, user);
        return booking.body.status === 'PAID' ? booking.body : undefined;
      });
      expect(paidBooking.paidAt).toEqual(expect.any(String));

      const proof = await api.get(`/v1/bookings/${bookingId}/proof`, user);
      expect(proof.status).toBe(200);
      expect(proof.body).toEqual({ payload: expect.any(String), signature: expect.any(String) });
      const payload = JSON.parse(Buffer.from(proof.body.payload, 'base64url').toString('utf8'));
      expect(payload).toMatchObject({ bookingId, billingCode: withCode.billingCode, officeId, date });

      // Someone else's token sees nothing of it.
      const seeded = await api.post('/admin/seed', { accounts: 1 }, admin);
      const stranger = { authorization: `Bearer ${seeded.body.accounts[0].token}` };
      expect((await api.get(`/v1/bookings/${bookingId}`, stranger)).status).toBe(404);
      expect((await api.get(`/v1/bookings/${bookingId}/proof`, stranger)).status).toBe(404);

      const notices = await bank.get('/admin/notices', admin);
      expect(noticesFor(notices.body, withCode.billingCode)).toEqual([
        expect.objectContaining({ status: 'delivered' }),
      ]);
      expect((await api.get('/admin/invariants', admin)).body).toMatchObject({ ok: true });
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );

  it(
    'issues the code after a scheduled billing outage ends (202, then the code through the outbox)',
    async () => {
      const { api, bank, admin, booker } = await seededBooker();
      const endAt = new Date(Date.now() + 4_000).toISOString();
      const outage = await bank.put('/admin/faults', { billing: { outage: true, endAt } }, admin);
      expect(outage.status).toBe(200);
      try {
        const booked = await api.post('/v1/bookings', bookingBody(booker), booker.headers);
        expect(booked.status).toBe(202);
        expect(booked.body).toMatchObject({ status: 'HELD', billingCode: null });
        expect(Number(booked.headers['retry-after'])).toBeGreaterThan(0);
        const issued = await eventually(async () => {
          const booking = await api.get(`/v1/bookings/${booked.body.id}`, booker.headers);
          return booking.body.billingCode ? booking.body : undefined;
        }, 25_000);
        expect(issued.status).toBe('WAITING_PAYMENT');
        // Clock speed 1: the API's simulated time is real time, comparable with the window.
        expect(Date.parse(issued.codeIssuedAt)).toBeGreaterThanOrEqual(Date.parse(endAt));
      } finally {
        await bank.delete('/admin/faults', admin);
      }
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );

  it(
    'counts a payment once when the bank sends its notice twice, late',
    async () => {
      const { api, bank, admin, booker } = await seededBooker();
      const booked = await api.post('/v1/bookings', bookingBody(booker), booker.headers);
      expect([201, 202]).toContain(booked.status);
      const withCode = await eventually(async () => {
        const booking = await api.get(`/v1/bookings/${booked.body.id}`, booker.headers);
        return booking.body.billingCode ? booking.body : undefined;
      });
      await bank.put('/admin/faults', { notices: { duplicateRate: 1, delayMs: 300 } }, admin);
      try {
        expect((await bank.post(`/v1/bills/${withCode.billingCode}/pay`, { channel: 'ATM' })).status).toBe(
          200,
        );
        await eventually(async () => {
          const log = await bank.get('/admin/notices', admin);
          const mine = noticesFor(log.body, withCode.billingCode);
          return mine.length === 2 && mine.every((n) => n.status === 'delivered') ? mine : undefined;
        });
        const booking = await api.get(`/v1/bookings/${booked.body.id}`, booker.headers);
        expect(booking.body.status).toBe('PAID');
        const invariants = await api.get('/admin/invariants', admin);
        expect(invariants.body).toMatchObject({ ok: true });
      } finally {
        await bank.delete('/admin/faults', admin);
      }
    },
    JOURNEY_TEST_TIMEOUT_MS,
  );
});

interface NoticeRecord {
  billingCode: string;
  status: string;
}

function noticesFor(log: { notices: NoticeRecord[] }, billingCode: string): NoticeRecord[] {
  return log.notices.filter((notice) => notice.billingCode === billingCode);
}

interface Booker {
  applicantId: string;
  headers: Record<string, string>;
  slot: { officeId: string; date: string; session: string };
}

/** A seeded, logged-in account with one applicant, and a freshly released slot at Batam. */
async function seededBooker() {
  const api = http(stack.apiUrl);
  const bank = http(stack.billingUrl);
  const admin = { authorization: `Bearer ${stack.adminToken}` };
  const seeded = await api.post('/admin/seed', { accounts: 1 }, admin);
  expect(seeded.status).toBe(201);
  const account = seeded.body.accounts[0];
  const officeId = 'kanim-batam';
  const date = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);
  await api.post('/admin/releases', { officeId, dates: [date] }, admin);
  const availability = await api.get(`/v1/offices/${officeId}/availability?from=${date}`);
  const slot = availability.body.find(
    (s: { date: string; category: string; status: string }) =>
      s.date === date && s.category === 'REGULER' && s.status === 'green',
  );
  const booker: Booker = {
    applicantId: account.applicants[0].applicantId,
    headers: { authorization: `Bearer ${account.token}` },
    slot: { officeId, date, session: slot.session },
  };
  return { api, bank, admin, booker };
}

function bookingBody(booker: Booker) {
  return {
    applicantId: booker.applicantId,
    ...booker.slot,
    category: 'REGULER',
    passportType: 'E_PASPOR',
    validityYears: 10,
    applicationType: 'BARU',
    purpose: 'umroh',
  };
}
