// Bad input, generated: malformed bodies, query strings and headers across every route must never get a
// 5xx or crash the process, and every rejection is application/problem+json. Then the targeted
// refusals: wrong admin token, someone else's booking, forged or replayed notices change nothing.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signNotice } from '../../shared/notice-signature.ts';
import type { Database } from '../src/storage/index.ts';
import {
  ADMIN_TOKEN,
  bearer,
  book,
  bookingBody,
  createHarness,
  type Harness,
  openSlot,
  pair,
  type Seeded,
  seed,
  sendNotice,
} from './helper.ts';

const DATE = '2026-03-10';
let harness: Harness;
let app: FastifyInstance;
let owner: Seeded;
let stranger: Seeded;
let bookingId: string;
let billingCode: string;
let fee: number;

beforeAll(async () => {
  harness = await createHarness();
  ({ app } = await harness.app({ profile: 'hardened', env: { BOOKING_RATE_LIMIT_PER_MINUTE: '100000' } }));
  await openSlot(app, DATE, 10);
  [owner, stranger] = pair(await seed(app, 2));
  const booking = (await book(app, owner, DATE)).json();
  bookingId = booking.id;
  billingCode = booking.billingCode;
  fee = booking.fee;
});
afterAll(async () => {
  await harness?.close();
});

/** A digest of every table a refused request could have touched. */
async function fingerprint(db: Database): Promise<string> {
  const parts: string[] = [];
  for (const table of [
    'accounts',
    'applicants',
    'slots',
    'bookings',
    'payment_notices',
    'idempotency_keys',
  ]) {
    const row = (
      await db.query<{ digest: string | null }>(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`,
      )
    ).rows[0];
    parts.push(`${table}:${row?.digest}`);
  }
  return parts.join(',');
}

const ROUTES: [string, string][] = [
  ['POST', '/v1/accounts'],
  ['POST', '/v1/accounts/activate'],
  ['POST', '/v1/auth/login'],
  ['POST', '/v1/auth/password-reset'],
  ['POST', '/v1/auth/password-reset/confirm'],
  ['GET', '/v1/applicants'],
  ['POST', '/v1/applicants'],
  ['PUT', '/v1/applicants/{applicant}/documents/{kind}'],
  ['GET', '/v1/applicants/{applicant}/documents'],
  ['GET', '/v1/applicants/{applicant}/documents/{kind}'],
  ['GET', '/v1/offices'],
  ['GET', '/v1/offices/{office}/availability'],
  ['POST', '/v1/bookings'],
  ['GET', '/v1/bookings'],
  ['GET', '/v1/bookings/{booking}'],
  ['POST', '/v1/bookings/{booking}/cancel'],
  ['POST', '/v1/bookings/{booking}/reschedule'],
  ['GET', '/v1/bookings/{booking}/proof'],
  ['POST', '/v1/payment-notices'],
  ['POST', '/v1/refund-notices'],
  ['POST', '/admin/seed'],
  ['POST', '/admin/releases'],
  ['POST', '/admin/bookings/{booking}/attendance'],
  ['GET', '/admin/invariants'],
  ['GET', '/admin/faults'],
  ['GET', '/admin/faults/history'],
  ['PUT', '/admin/faults'],
  ['DELETE', '/admin/faults'],
  ['POST', '/admin/sweep'],
  ['GET', '/admin/mailbox'],
  ['GET', '/admin/config'],
  ['GET', '/health/live'],
  ['GET', '/health/ready'],
  ['GET', '/openapi.json'],
  ['GET', '/no/such/route'],
];

const nasty = fc.constantFrom(
  '',
  '%',
  '%zz',
  '%00',
  '..%2f..%2f',
  '\u0000',
  'x'.repeat(300),
  '9'.repeat(40),
  '-1',
  'null',
  '{}',
  'NaN',
  '2026-02-30',
  '00000000-0000-0000-0000-000000000000',
  'DROP TABLE bookings;--',
  "' OR 1=1 --",
  'ñ',
  '😀',
);
const segment = fc.oneof(
  nasty,
  fc.string({ maxLength: 40 }),
  fc.constant('kanim-batam'),
  fc.constant('<own>'),
);
const queryString = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.oneof(fc.constantFrom('lat', 'lon', 'from', 'days', 'email'), fc.string({ maxLength: 8 })),
      fc.oneof(nasty, fc.string({ maxLength: 20 }), fc.integer().map(String)),
      { maxKeys: 4 },
    )
    .map(
      (query) =>
        `?${Object.entries(query)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join('&')}`,
    ),
  nasty.map((raw) => `?${raw}`),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.double(),
);
/** Bodies close to valid ones with fields removed, retyped or garbled, plus arbitrary JSON values. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .record({
      base: fc.constantFrom(
        bookingBody('00000000-0000-4000-8000-000000000000', DATE),
        {
          name: 'A',
          dateOfBirth: '1990-01-01',
          gender: 'M',
          email: 'a@b.id',
          phone: '08123456789',
          password: 'password1',
        },
        { nik: '3171011208900001', name: 'B', dateOfBirth: '1990-08-12', gender: 'M' },
        { accounts: 1, applicantsPerAccount: 1 },
        { officeId: 'kanim-batam', dates: [DATE], capacity: 1 },
        { database: { latencyMs: 1 }, startAt: '2026-01-01T00:00:00Z' },
        { date: DATE, session: 'PAGI' },
        {
          noticeId: 'n',
          billingCode: '912345678901234',
          bookingId: 'b',
          amount: 1,
          paidAt: '2026-01-01T00:00:00Z',
          channel: 'ATM',
        },
      ),
      drop: fc.integer({ min: 0, max: 9 }),
      replace: fc.integer({ min: 0, max: 9 }),
      value: wrongType,
    })
    .map(({ base, drop, replace, value }) => {
      const entries = Object.entries(base as Record<string, unknown>);
      const copy: Record<string, unknown> = Object.fromEntries(entries.filter((_, i) => i !== drop));
      const key = entries[replace % Math.max(1, entries.length)]?.[0];
      if (key) copy[key] = value;
      return copy;
    }),
);
const rawPayload = fc.oneof(
  body.map((b) => JSON.stringify(b)),
  fc.constantFrom(
    '{',
    '{"a":',
    '[',
    'nul',
    '"\\u00"',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"y":1}}}',
  ),
  fc.string({ maxLength: 200 }),
);
const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constant('<stranger>'),
      fc.constant(`Bearer ${ADMIN_TOKEN}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        'Bearer a.b.c',
        'Bearer ..',
        `Bearer ${'A'.repeat(2000)}`,
      ),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
    ),
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/xml',
      'application/json; charset=latin1',
      'multipart/form-data',
      'application/pdf',
      'image/jpeg',
      '',
    ),
    'idempotency-key': fc.oneof(fc.string({ maxLength: 10 }), fc.constant('k'.repeat(500))),
    traceparent: fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constant('00-00000000000000000000000000000000-0000000000000000-00'),
    ),
    'x-signature': fc.string({ maxLength: 80 }),
    'x-signature-timestamp': fc.oneof(fc.string({ maxLength: 15 }), fc.integer().map(String)),
  },
  { requiredKeys: [] },
);

describe('generated bad input across every route', () => {
  it('covers every route of the OpenAPI document', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(spec.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map(
        (method) =>
          `${method.toUpperCase()} ${path
            .replace('{officeId}', '{office}')
            .replace('{bookingId}', '{booking}')
            .replace('{applicantId}', '{applicant}')}`,
      ),
    );
    const covered = new Set(ROUTES.map(([method, path]) => `${method} ${path}`));
    expect(documented.filter((route) => !covered.has(route))).toEqual([]);
  });

  it('never answers 5xx and always answers errors as problem+json (2,200 generated requests)', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        segment,
        queryString,
        rawPayload,
        headers,
        async ([method, template], part, query, payload, hdrs) => {
          const fill = (value: string) =>
            value === '<own>' ? bookingId : encodeURIComponent(value).replace(/%25/g, '%');
          const url =
            template
              .replace('{office}', fill(part))
              .replace('{booking}', fill(part))
              .replace('{applicant}', fill(part))
              .replace('{kind}', fill(part)) + query;
          const finalHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(hdrs)) {
            finalHeaders[name] = value === '<stranger>' ? `Bearer ${stranger.token}` : value;
          }
          const response = await app.inject({
            method: method as 'GET',
            url,
            headers: finalHeaders,
            ...(method === 'GET' || method === 'DELETE' ? {} : { payload }),
          });
          sent++;
          expect(response.statusCode, `${method} ${url} -> ${response.body.slice(0, 300)}`).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.headers['content-type']).toContain('application/problem+json');
            const problem = response.json();
            expect(problem.type).toMatch(/^https:\/\/paspor-lab\.dev\/problems\/[a-z-]+$/);
            expect(problem.status).toBe(response.statusCode);
            expect(typeof problem.detail).toBe('string');
            expect(problem.traceId).toMatch(/^[0-9a-f]{32}$/);
          }
        },
      ),
      { numRuns: 2200 },
    );
    expect(sent).toBeGreaterThanOrEqual(2000);
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  }, 120_000);
});

describe('refusals that change nothing', () => {
  it('refuses a U+0000 in any text field with 400 problem+json, not a 500 from PostgreSQL, and stores nothing', async () => {
    const before = await fingerprint(harness.db);
    const registration = {
      name: 'Siti\u0000',
      dateOfBirth: '1990-03-10',
      gender: 'F',
      email: 'nul@paspor-lab.test',
      phone: '081234567890',
      password: 'a good password',
    };
    const refused = await app.inject({ method: 'POST', url: '/v1/accounts', payload: registration });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toContain('U+0000');
    // In a query string (%00) too.
    const query = await app.inject({ method: 'GET', url: '/v1/offices?q=%00', headers: bearer(owner.token) });
    expect(query.statusCode).toBeLessThan(500);
    expect(await fingerprint(harness.db)).toBe(before);
  });

  it('refuses every admin route with a wrong or missing admin token', async () => {
    const before = await fingerprint(harness.db);
    for (const [method, url] of ROUTES.filter(([, path]) => path.startsWith('/admin'))) {
      for (const authorization of [undefined, `Bearer ${stranger.token}`, `Bearer ${ADMIN_TOKEN}x`]) {
        const response = await app.inject({
          method: method as 'GET',
          url,
          headers: authorization ? { authorization } : {},
          ...(method === 'GET' || method === 'DELETE'
            ? {}
            : { payload: { accounts: 3, officeId: 'kanim-batam', dates: [DATE] } }),
        });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
    }
    expect(await fingerprint(harness.db)).toBe(before);
  });

  it("refuses to read or change someone else's booking", async () => {
    const before = await fingerprint(harness.db);
    const attempts = [
      { method: 'GET', url: `/v1/bookings/${bookingId}` },
      { method: 'GET', url: `/v1/bookings/${bookingId}/proof` },
      { method: 'POST', url: `/v1/bookings/${bookingId}/cancel` },
      {
        method: 'POST',
        url: `/v1/bookings/${bookingId}/reschedule`,
        payload: { date: '2026-03-11', session: 'PAGI' },
      },
      {
        method: 'POST',
        url: '/v1/bookings',
        payload: bookingBody(owner.applicants[0]?.applicantId ?? '', DATE),
      },
    ] as const;
    for (const attempt of attempts) {
      const response = await app.inject({ ...attempt, headers: bearer(stranger.token) });
      expect([403, 404], `${attempt.method} ${attempt.url}`).toContain(response.statusCode);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const mine = (
      await app.inject({ method: 'GET', url: '/v1/bookings', headers: bearer(stranger.token) })
    ).json();
    expect(mine).toEqual([]);
    expect(await fingerprint(harness.db)).toBe(before);
  });

  it('refuses forged, stale and replayed payment notices without changing anything', async () => {
    const notice = {
      noticeId: 'n-1',
      billingCode,
      bookingId,
      amount: fee,
      // The harness's manual clock: the bill was issued at this instant.
      paidAt: '2026-03-02T01:00:00.000Z',
      channel: 'ATM',
    };
    const before = await fingerprint(harness.db);
    const forged = await sendNotice(app, notice, 'not-the-secret');
    expect(forged.statusCode).toBe(401);
    const raw = JSON.stringify(notice);
    const old = Math.floor(Date.now() / 1000) - 3600;
    const stale = await app.inject({
      method: 'POST',
      url: '/v1/payment-notices',
      headers: {
        'content-type': 'application/json',
        'x-signature': signNotice('test-notice-secret', raw, old),
        'x-signature-timestamp': String(old),
      },
      payload: raw,
    });
    expect(stale.statusCode).toBe(401);
    const unsigned = await app.inject({ method: 'POST', url: '/v1/payment-notices', payload: notice });
    expect(unsigned.statusCode).toBe(401);
    // A correctly signed body whose bytes were altered after signing.
    const ts = Math.floor(Date.now() / 1000);
    const tampered = await app.inject({
      method: 'POST',
      url: '/v1/payment-notices',
      headers: {
        'content-type': 'application/json',
        'x-signature': signNotice('test-notice-secret', raw, ts),
        'x-signature-timestamp': String(ts),
      },
      payload: JSON.stringify({ ...notice, amount: 1 }),
    });
    expect(tampered.statusCode).toBe(401);
    expect(await fingerprint(harness.db)).toBe(before);

    expect((await sendNotice(app, notice)).json().outcome).toBe('paid');
    const afterPaid = await fingerprint(harness.db);
    const replayed = await sendNotice(app, { ...notice, channel: 'TELLER', amount: fee });
    expect(replayed.statusCode).toBe(409);
    expect(replayed.json().type).toBe('https://paspor-lab.dev/problems/notice-replayed');
    expect(await fingerprint(harness.db)).toBe(afterPaid);
  });
});
