// Property-based, from the OpenAPI document itself: the suite reads the document the app serves, walks
// every operation and every path, query and header parameter and body property, and sends thousands of
// generated requests (support/openapi-requests.ts): values of every wrong type, boundary numbers,
// non-dates, huge strings. Nothing answers 5xx; every 4xx is application/problem+json with a reason.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, book, createHarness, type Harness, openSlot, pair, seed } from './helper.ts';
import {
  type GeneratedRequest,
  type Known,
  type Operation,
  operationsOf,
  requestsFor,
} from './support/openapi-requests.ts';

const RUNS = 5_200;
const DATE = '2026-03-10';

let harness: Harness;
let app: FastifyInstance;
let operations: Operation[];
let known: Known;
let tokens: { user: string; other: string };

beforeAll(async () => {
  harness = await createHarness();
  ({ app } = await harness.app({
    profile: 'hardened',
    env: {
      // Load-dependent refusals are not what this suite probes: inject() at full speed on a shared
      // machine trips admission control's event-loop and queue thresholds (503, tested on their own in
      // booking/admission.test.ts) and the per-account limits (429 is a problem too, but it would stop
      // the generated requests reaching the routes' own validation after the first few dozen).
      ADMISSION_MAX_EVENT_LOOP_DELAY_MS: '60000',
      ADMISSION_MAX_QUEUE_DELAY_MS: '60000',
      ADMISSION_MAX_IN_FLIGHT: '10000',
      BOOKING_RATE_LIMIT_PER_MINUTE: '1000000',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
      // The same for identity-fragile's timeout: a burst of logins queues its scrypt checks in libuv's
      // four threads, and on a busy machine one waited past 1 s and was answered 503 (3 Dec, CI).
      IDENTITY_TIMEOUT_MS: '60000',
    },
  }));
  await openSlot(app, DATE, 50);
  const [user, other] = pair(await seed(app, 2));
  const booking = (await book(app, user, DATE)).json();
  tokens = { user: user.token, other: other.token };
  known = {
    uuids: [booking.id, ...user.applicants.map((a) => a.applicantId)],
    byName: {
      officeId: ['kanim-tanjung-uban', 'kanim-batam'],
      bookingId: [booking.id],
      applicantId: user.applicants.map((a) => a.applicantId),
      billingCode: booking.billingCode ? [booking.billingCode] : [],
      email: [user.email],
    },
  };
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  operations = operationsOf(document);
}, 120_000);
afterAll(async () => {
  await harness?.close();
});

/** Valid credentials most of the time, so requests get past authentication to the routes' own checks. */
function credentialFor(operation: Operation): fc.Arbitrary<string | undefined> {
  const valid = operation.path.startsWith('/admin') ? `Bearer ${ADMIN_TOKEN}` : `Bearer ${tokens.user}`;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(valid) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${tokens.other}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bearer',
        'Basic dXNlcjpwYXNz',
        `Bearer ${'A'.repeat(5_000)}`,
        'Bearer a.b.c',
      ),
    },
  );
}

describe('requests generated from the OpenAPI document', () => {
  it('finds every route, parameter and body in the document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    const where = new Set(operations.flatMap((op) => op.parameters.map((p) => p.in)));
    expect([...where].sort()).toEqual(['header', 'path', 'query']);
    expect(operations.filter((op) => op.body).length).toBeGreaterThanOrEqual(10);
  });

  it(`never answers 5xx and answers every 4xx as problem+json (${RUNS} generated requests)`, async () => {
    const perOperation = new Map<string, number>();
    const statuses = new Map<number, number>();
    let sent = 0;
    const request = fc.constantFrom(...operations).chain((operation) =>
      requestsFor(operation, known, credentialFor(operation)).map((generated) => ({
        operation,
        generated,
      })),
    );
    await fc.assert(
      fc.asyncProperty(
        request,
        async ({ operation, generated }: { operation: Operation; generated: GeneratedRequest }) => {
          const response = await app.inject({
            method: generated.method as 'GET',
            url: generated.url,
            headers: generated.headers,
            ...(generated.payload === undefined ? {} : { payload: generated.payload }),
          });
          sent++;
          const key = `${operation.method} ${operation.path}`;
          perOperation.set(key, (perOperation.get(key) ?? 0) + 1);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          const what = `${generated.method} ${generated.url.slice(0, 200)} ${JSON.stringify(generated.headers).slice(0, 200)} ${generated.payload?.slice(0, 300)} -> ${response.body.slice(0, 300)}`;
          expect(response.statusCode, what).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.headers['content-type'], what).toContain('application/problem+json');
            const problem = response.json();
            expect(problem.type, what).toMatch(/^https:\/\/paspor-lab\.dev\/problems\/[a-z-]+$/);
            expect(problem.status, what).toBe(response.statusCode);
            expect(problem.detail, what).toEqual(expect.any(String));
            expect(problem.detail.length, what).toBeGreaterThan(0);
            expect(problem.traceId, what).toMatch(/^[0-9a-f]{32}$/);
          }
        },
      ),
      { numRuns: RUNS },
    );
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`);
    process.stdout.write(
      `openapi fuzz: ${sent} generated requests over ${perOperation.size} operations; statuses ${byStatus.join(' ')}\n`,
    );
    expect(sent).toBeGreaterThanOrEqual(5_000);
    // Every documented operation was exercised, and some requests got through to a 2xx.
    expect(perOperation.size).toBe(operations.length);
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  }, 150_000);
});
