// Malformed input on every simulator route: never a 5xx (no faults are set), every rejection is
// problem+json, and the admin routes refuse every request without the token.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBillingSim } from './app.ts';
import { simConfig } from './config.ts';

let app: FastifyInstance;
let billingCode: string;

beforeAll(async () => {
  // Notices go to a closed port with one attempt: delivery is not what this test is about.
  app = buildBillingSim(
    simConfig({
      apiUrl: 'http://127.0.0.1:9',
      noticeSecret: 's',
      adminToken: 'admin-secret',
      notices: {
        maxAttempts: 1,
        initialDelayMs: 1,
        maxDelayMs: 1,
        attemptTimeoutMs: 200,
        reorderWindowMs: 10,
      },
    }),
  );
  await app.ready();
  const issued = await app.inject({
    method: 'POST',
    url: '/v1/bills',
    payload: { bookingId: 'kept', amount: 650_000, payBy: '2026-01-13T04:00:00Z' },
  });
  billingCode = issued.json().billingCode;
});

afterAll(async () => {
  await app.close();
});

const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.record({
    bookingId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    amount: fc.oneof(fc.double(), fc.string(), fc.integer({ min: -10, max: 10 }), fc.constant(1e12)),
    payBy: fc.oneof(
      fc.string(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
  }),
  fc.record({ channel: fc.oneof(fc.string(), fc.integer(), fc.constant('')) }),
  fc.record({
    billing: fc.record({ errorRate: fc.double(), latencyMs: fc.integer(), outage: fc.string() }),
    startAt: fc.string(),
  }),
);

const rawBody = fc.oneof(
  anyJson.map((value) => JSON.stringify(value) ?? 'null'),
  fc.string(), // not JSON at all
);

const path = fc.oneof(
  fc.constantFrom('/v1/bills', '/v1/bills/', '/admin/faults', '/admin/notices', '/health/ready'),
  fc.string().map((s) => `/v1/bills/${encodeURIComponent(s)}`),
  fc.string().map((s) => `/v1/bills/${encodeURIComponent(s)}/pay`),
  fc
    .string({ minLength: 15, maxLength: 15, unit: fc.constantFrom(...'0123456789') })
    .map((s) => `/v1/bills/${s}/refund`),
  fc.constant('/v1/bills/PLACEHOLDER/pay'),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  path,
  query: fc.option(fc.string(), { nil: undefined }),
  body: fc.option(rawBody, { nil: undefined }),
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
  authorization: fc.oneof(fc.constant(undefined), fc.string(), fc.constant('Bearer wrong')),
  traceparent: fc.option(fc.string(), { nil: undefined }),
});

describe('billing simulator under malformed input', () => {
  it('answers 2,000 generated malformed requests without a 5xx, every rejection as problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType && r.body !== undefined) headers['content-type'] = r.contentType;
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.traceparent !== undefined) headers.traceparent = r.traceparent;
        const url =
          r.path.replace('PLACEHOLDER', billingCode) + (r.query ? `?${encodeURIComponent(r.query)}` : '');
        const response = await app.inject({
          method: r.method as 'GET',
          url,
          headers,
          ...(r.body === undefined ? {} : { payload: r.body }),
        });
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(response.json()).toMatchObject({ status: response.statusCode, type: expect.any(String) });
        }
      }),
      { numRuns: 2_000 },
    );
    // No generated request carried the admin token, so the fault schedule must be as it started.
    const faults = await app.inject({
      method: 'GET',
      url: '/admin/faults',
      headers: { authorization: 'Bearer admin-secret' },
    });
    expect(faults.json()).toMatchObject({ billing: null, notices: null });
  });
});
