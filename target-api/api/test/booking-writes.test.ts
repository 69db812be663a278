// POST /v1/bookings under the guards in front of it (issue 16): validation comes before admission
// control, and a retry of an answered request (same Idempotency-Key, same body) gets its first answer
// from both the rate limit and the metrics' point of view. PGlite in `unit`, PostgreSQL in `api-postgres`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, bearer, book, bookingBody, createHarness, type Harness, openSlot, seed } from './helper.ts';

const DATE = '2026-03-10';
let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('validation before admission control', () => {
  it('answers six concurrent malformed booking writes 400 problem+json while admission is full, never 503', async () => {
    const { app } = await harness.app({ env: { ADMISSION_MAX_IN_FLIGHT: '1' } });
    await openSlot(app, DATE, 10);
    const [holder, client] = await seed(app, 2);
    if (!holder || !client) throw new Error('seed failed');
    // One valid booking write, slowed by the database, holds the only admission slot meanwhile.
    await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { database: { latencyMs: 150 } },
    });
    const held = book(app, holder, DATE);
    const malformed = [
      { ...bookingBody(client.applicants[0]?.applicantId ?? '', DATE), date: 'not-a-date' },
      { ...bookingBody(client.applicants[0]?.applicantId ?? '', DATE), validityYears: 7 },
      { ...bookingBody(client.applicants[0]?.applicantId ?? '', DATE), applicantId: 'nope' },
      { ...bookingBody(client.applicants[0]?.applicantId ?? '', DATE), category: 'VIP' },
      { officeId: 'kanim-tanjung-uban' },
      { ...bookingBody(client.applicants[0]?.applicantId ?? '', DATE), purpose: '' },
    ];
    const answers = await Promise.all(
      malformed.map((payload) =>
        app.inject({ method: 'POST', url: '/v1/bookings', headers: bearer(client.token), payload }),
      ),
    );
    await app.inject({ method: 'DELETE', url: '/admin/faults', headers: admin });
    expect((await held).statusCode).toBe(201);
    for (const answer of answers) {
      expect(answer.statusCode, answer.body).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json().type).toBe('https://paspor-lab.dev/problems/validation');
    }
  });

  it('still sheds a well-formed booking write with 503 when admission is full', async () => {
    const { app } = await harness.app({ env: { ADMISSION_MAX_IN_FLIGHT: '1' } });
    await openSlot(app, DATE, 10);
    const [first, second] = await seed(app, 2);
    if (!first || !second) throw new Error('seed failed');
    await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { database: { latencyMs: 150 } },
    });
    const [a, b] = await Promise.all([book(app, first, DATE), book(app, second, DATE)]);
    await app.inject({ method: 'DELETE', url: '/admin/faults', headers: admin });
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 503]);
  });
});

async function attemptsCounted(app: Awaited<ReturnType<Harness['app']>>['app'], outcome: string) {
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  const line = metrics.body
    .split('\n')
    .find((l) =>
      l.startsWith(`mpaspor_booking_attempts_total{office="kanim-tanjung-uban",outcome="${outcome}"}`),
    );
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('idempotent retries of a booking', () => {
  it('counts a retry answered from its Idempotency-Key as replayed, not as another booking', async () => {
    const { app } = await harness.app();
    await openSlot(app, DATE, 10);
    const [who] = await seed(app, 1);
    if (!who) throw new Error('seed failed');
    const key = { 'idempotency-key': 'retry-me-1' };
    const first = await book(app, who, DATE, key);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retries = await Promise.all([1, 2, 3].map(() => book(app, who, DATE, key)));
    for (const retry of retries) {
      expect(retry.statusCode).toBe(201);
      expect(retry.json().id).toBe(first.json().id);
      expect(retry.headers['idempotent-replayed']).toBe('true');
    }
    expect(await attemptsCounted(app, 'booked')).toBe(1);
    expect(await attemptsCounted(app, 'replayed')).toBe(3);
  });

  it('gives a retry past the per-account rate limit its first answer, and a new attempt 429', async () => {
    const { app } = await harness.app({ env: { BOOKING_RATE_LIMIT_PER_MINUTE: '2' } });
    await openSlot(app, DATE, 10);
    const [who] = await seed(app, 1, 2);
    if (!who) throw new Error('seed failed');
    const key = { 'idempotency-key': 'retry-me-2' };
    const first = await book(app, who, DATE, key);
    expect(first.statusCode).toBe(201);
    const retries = [];
    for (let i = 0; i < 4; i++) retries.push(await book(app, who, DATE, key));
    for (const retry of retries) {
      expect(retry.statusCode, retry.body).toBe(201);
      expect(retry.json()).toEqual(first.json());
    }
    const fresh = await book(app, who, DATE, { 'idempotency-key': 'a-new-booking' }, 1);
    expect(fresh.statusCode).toBe(429);
    expect(fresh.headers['content-type']).toContain('application/problem+json');
    expect(Number(fresh.headers['retry-after'])).toBeGreaterThan(0);
    const unkeyed = await book(app, who, DATE, {}, 1);
    expect(unkeyed.statusCode).toBe(429);
  });
});
