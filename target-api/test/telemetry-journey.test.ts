// Issue 3's acceptance, end to end: the booking API and the billing simulator run as two processes
// (startStack) exporting OTLP/HTTP to a real receiver on loopback and logging to a file. One journey
// (register, book with a k6-style traceparent, get the code, pay, notice back) and one refused booking,
// then: the metrics (a), the trace across both services (b) and every log line written (c).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../serve.ts';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from '../telemetry/testing/otlp-receiver.ts';
import { type TestDatabase, testDatabase } from './support/database.ts';
import { eventually, http } from './support/http.ts';

const OFFICE = 'kanim-tanjung-uban';
const NIK = '2101015705900001';
const PASSWORD = 'kata-sandi-rahasia-1';
// The trace a k6 script's tracing helper would start: the API must continue it.
const K6_TRACE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const K6_PARENT = '1a2b3c4d5e6f7081';
// A second booking, whose code the outbox worker issues after the inline attempt failed.
const OUTBOX_TRACE = 'b2c3d4e5f60718293a4b5c6d7e8f90a1';
const OUTBOX_PARENT = '2b3c4d5e6f708192';

let receiver: OtlpReceiver;
let stack: Stack | undefined;
let database: TestDatabase | undefined;
let folder: string;
let logFile: string;
const secrets: string[] = [NIK, PASSWORD];
let bookingId = '';
let outboxBookingId = '';
let metricsText = '';

async function journey(running: Stack): Promise<void> {
  const api = http(running.apiUrl);
  const bank = http(running.billingUrl);
  const admin = { authorization: `Bearer ${running.adminToken}` };
  const email = `dewi.${Date.now()}@example.id`;
  secrets.push(email);
  expect(
    (
      await api.post('/v1/accounts', {
        name: 'Dewi Lestari',
        dateOfBirth: '1990-05-17',
        gender: 'F',
        email,
        phone: '+6281234567890',
        password: PASSWORD,
      })
    ).status,
  ).toBe(201);
  const code = (await api.get(`/admin/mailbox?email=${encodeURIComponent(email)}`, admin)).body.messages.at(
    -1,
  )?.code;
  expect((await api.post('/v1/accounts/activate', { email, code })).status).toBe(200);
  const login = await api.post('/v1/auth/login', { email, password: PASSWORD });
  expect(login.status).toBe(200);
  secrets.push(login.body.token);
  const user = { authorization: `Bearer ${login.body.token}` };
  const applicant = await api.post(
    '/v1/applicants',
    { nik: NIK, name: 'Dewi Lestari', dateOfBirth: '1990-05-17', gender: 'F' },
    user,
  );
  expect(applicant.status).toBe(201);

  const date = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  expect(
    (await api.post('/admin/releases', { officeId: OFFICE, dates: [date], capacity: 1 }, admin)).status,
  ).toBe(201);
  const slot = (await api.get(`/v1/offices/${OFFICE}/availability?from=${date}`)).body.find(
    (s: { date: string; category: string }) => s.date === date && s.category === 'REGULER',
  );
  const request = {
    officeId: OFFICE,
    date,
    session: slot.session,
    category: 'REGULER',
    passportType: 'E_PASPOR',
    validityYears: 10,
    applicationType: 'BARU',
    purpose: 'wisata',
  };
  const booked = await api.post(
    '/v1/bookings',
    { ...request, applicantId: applicant.body.applicantId },
    { ...user, traceparent: `00-${K6_TRACE}-${K6_PARENT}-01` },
  );
  expect(booked.status).toBe(201); // billing is healthy: the code is issued inline, inside this trace
  bookingId = booked.body.id;
  const billingCode: string = booked.body.billingCode;
  expect((await bank.post(`/v1/bills/${billingCode}/pay`, { channel: 'MOBILE_BANKING' })).status).toBe(200);
  await eventually(async () => {
    const booking = await api.get(`/v1/bookings/${bookingId}`, user);
    return booking.body.status === 'PAID' ? true : undefined;
  });

  // A second applicant finds the only seat gone: one quota_exhausted attempt.
  const seeded = (await api.post('/admin/seed', { accounts: 1 }, admin)).body.accounts[0];
  secrets.push(seeded.token, seeded.email, seeded.applicants[0].nik);
  const refused = await api.post(
    '/v1/bookings',
    { ...request, applicantId: seeded.applicants[0].applicantId },
    { authorization: `Bearer ${seeded.token}` },
  );
  expect(refused.status).toBe(409);
  expect((await api.get('/admin/invariants', admin)).body.ok).toBe(true);

  const scrape = await fetch(`${running.apiUrl}/metrics`, {
    headers: { accept: 'application/openmetrics-text; version=1.0.0' },
  });
  expect(scrape.headers.get('content-type')).toContain('application/openmetrics-text');
  metricsText = await scrape.text();

  // After the scrape (the figures of (a) are the first booking's): billing answers nothing but errors,
  // so the inline attempt fails and the booking is HELD (202); once billing recovers, the outbox worker
  // issues the code, in the booking's trace.
  const later = new Date(Date.now() + 11 * 86_400_000).toISOString().slice(0, 10);
  expect(
    (await api.post('/admin/releases', { officeId: OFFICE, dates: [later], capacity: 1 }, admin)).status,
  ).toBe(201);
  const laterSlot = (await api.get(`/v1/offices/${OFFICE}/availability?from=${later}`)).body.find(
    (s: { date: string; category: string }) => s.date === later && s.category === 'REGULER',
  );
  expect((await bank.put('/admin/faults', { billing: { errorRate: 1 } }, admin)).status).toBeLessThan(300);
  const held = await api.post(
    '/v1/bookings',
    { ...request, date: later, session: laterSlot.session, applicantId: seeded.applicants[0].applicantId },
    { authorization: `Bearer ${seeded.token}`, traceparent: `00-${OUTBOX_TRACE}-${OUTBOX_PARENT}-01` },
  );
  expect(held.status).toBe(202);
  outboxBookingId = held.body.id;
  expect((await bank.delete('/admin/faults', admin)).status).toBeLessThan(300);
  await eventually(async () => {
    const booking = await api.get(`/v1/bookings/${outboxBookingId}`, {
      authorization: `Bearer ${seeded.token}`,
    });
    return booking.body.billingCode ? true : undefined;
  });
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'paspor-telemetry-'));
  logFile = join(folder, 'services.log');
  receiver = await startOtlpReceiver();
  database = process.env.PASPOR_TEST_DB === 'postgres' ? await testDatabase('paspor_telemetry') : undefined;
  stack = await startStack({
    profile: 'hardened',
    port: 0,
    billingPort: 0,
    databaseUrl: database?.url,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'info' },
    output: { file: logFile },
  });
  try {
    await journey(stack);
  } finally {
    // Stopping flushes what is left: both processes shut their tracer down, pino flushes its buffer.
    await stack.stop();
    stack = undefined;
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
  await database?.drop();
  rmSync(folder, { recursive: true, force: true });
});

const exportedTraceIds = () => new Set(receiver.spans.map((s) => s.traceId));

describe('telemetry across the booking API and the billing simulator', () => {
  it('(a) exposes every metric of docs/ARCHITECTURE.md with values that match the journey, and real exemplars', () => {
    const names = [
      'http_server_request_duration_seconds_bucket',
      'mpaspor_booking_attempts_total',
      'mpaspor_slot_capacity',
      'mpaspor_slot_taken',
      'mpaspor_billing_requests_total',
      'mpaspor_billing_request_duration_seconds_bucket',
      'mpaspor_payment_code_issue_seconds_bucket',
      'mpaspor_payment_codes_pending',
      'mpaspor_billing_circuit_state',
      'mpaspor_payment_notices_total',
      'mpaspor_bookings_expired_total',
      'mpaspor_invariant_violations',
      'mpaspor_db_pool_size',
      'mpaspor_db_pool_idle',
      'mpaspor_db_pool_waiting',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds_bucket',
    ];
    const missing = names.filter((name) => !new RegExp(`^${name}[{ ]`, 'm').test(metricsText));
    expect(missing).toEqual([]);
    const value = (series: string) => Number(metricsText.match(new RegExp(`^${series} (\\S+)`, 'm'))?.[1]);
    expect(value(`mpaspor_booking_attempts_total\\{office="${OFFICE}",outcome="booked"\\}`)).toBe(1);
    expect(value(`mpaspor_booking_attempts_total\\{office="${OFFICE}",outcome="quota_exhausted"\\}`)).toBe(1);
    expect(value('mpaspor_payment_notices_total\\{outcome="paid"\\}')).toBe(1);
    expect(value('mpaspor_billing_requests_total\\{outcome="ok"\\}')).toBeGreaterThanOrEqual(1);
    expect(value('mpaspor_payment_code_issue_seconds_count')).toBe(1);
    expect(value('mpaspor_payment_codes_pending')).toBe(0);
    expect(value('mpaspor_billing_circuit_state')).toBe(0);
    expect(value(`mpaspor_slot_taken\\{office="${OFFICE}"\\}`)).toBeGreaterThanOrEqual(1);
    expect(value('mpaspor_invariant_violations\\{invariant="[^"]+"\\}')).toBe(0);
    // Route templates only: no booking id, NIK or e-mail becomes a label value.
    expect(metricsText).toContain('route="/v1/bookings/:bookingId"');
    for (const raw of [bookingId, NIK, ...secrets]) expect(metricsText).not.toContain(raw);

    const exemplars = [...metricsText.matchAll(/ # \{trace_id="([0-9a-f]{32})"\}/g)].map((m) => String(m[1]));
    expect(exemplars.length).toBeGreaterThan(0);
    expect(exemplars.some((id) => exportedTraceIds().has(id))).toBe(true);
    expect(exemplars).toContain(K6_TRACE); // the booking itself is an exemplar of its latency bucket
  });

  it('(b) exports the paid booking as one trace with spans from both services and intact parent links', () => {
    const trace = receiver.spans.filter((s) => s.traceId === K6_TRACE);
    const services = new Set(trace.map((s) => s.service));
    expect(services).toEqual(new Set(['mpaspor-api', 'billing-sim']));
    const names = trace.map((s) => s.name);
    for (const step of ['booking.hold_seat', 'billing.issue_code', 'payment.apply_notice']) {
      expect(names).toContain(step);
    }
    const bySpanId = new Map(trace.map((s) => [s.spanId, s]));
    const root = trace.filter((s) => !bySpanId.has(String(s.parentSpanId)));
    // The only span whose parent is not in the trace is the API's request span, child of k6's span.
    expect(root.map((s) => [s.service, s.parentSpanId])).toEqual([['mpaspor-api', K6_PARENT]]);

    const parentOf = (span: ReceivedSpan | undefined) => bySpanId.get(String(span?.parentSpanId));
    const serverOf = (service: string, route: string) =>
      trace.find((s) => s.service === service && s.kind === 2 && s.attributes['http.route'] === route);
    const hold = trace.find((s) => s.name === 'booking.hold_seat');
    expect(parentOf(hold)?.attributes['http.route']).toBe('/v1/bookings');
    // API -> billing: the simulator's bill request hangs under the API's client call.
    const bill = serverOf('billing-sim', '/v1/bills');
    expect(parentOf(bill)?.kind).toBe(3);
    expect(parentOf(bill)?.service).toBe('mpaspor-api');
    // Billing -> API: the notice's request in the API hangs under the simulator's client call.
    const notice = serverOf('mpaspor-api', '/v1/payment-notices');
    expect(parentOf(notice)?.service).toBe('billing-sim');
    expect(parentOf(trace.find((s) => s.name === 'payment.apply_notice'))).toBe(notice);
  });

  it("(b) continues the booking's trace when the outbox worker issues its code later", () => {
    const trace = receiver.spans.filter((s) => s.traceId === OUTBOX_TRACE);
    const issues = trace.filter((s) => s.name === 'billing.issue_code');
    // The failed inline attempt inside the request, then the outbox's successful one, later.
    expect(issues.map((s) => s.attributes['billing.mode']).sort()).toEqual(['inline', 'outbox']);
    const outbox = issues.find((s) => s.attributes['billing.mode'] === 'outbox');
    const bySpanId = new Map(trace.map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan | undefined) => {
      const chain: ReceivedSpan[] = [];
      for (let up = bySpanId.get(String(span?.parentSpanId)); up; up = bySpanId.get(String(up.parentSpanId)))
        chain.push(up);
      return chain;
    };
    // It hangs under the booking request that stored the trace context...
    const booking = trace.find(
      (s) => s.service === 'mpaspor-api' && s.kind === 2 && s.attributes['http.route'] === '/v1/bookings',
    );
    expect(booking).toBeDefined();
    expect(ancestors(outbox)).toContain(booking);
    // ...and the simulator's bill it asked for hangs under it, in the same trace.
    const bills = trace.filter(
      (s) => s.service === 'billing-sim' && s.kind === 2 && s.attributes['http.route'] === '/v1/bills',
    );
    expect(bills.filter((bill) => ancestors(bill).includes(outbox as ReceivedSpan))).toHaveLength(1);
  });

  it('(c) writes no NIK, e-mail, password or token in any log line, and every request line has an exported trace', () => {
    const text = readFileSync(logFile, 'utf8');
    for (const secret of secrets) expect(text).not.toContain(secret);
    const lines = text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.filter((l) => l.msg === 'request');
    expect(new Set(access.map((l) => l.service))).toEqual(new Set(['mpaspor-api', 'billing-sim']));
    expect(access.length).toBeGreaterThan(15);
    const exported = exportedTraceIds();
    const orphans = access.filter((l) => !exported.has(String(l.trace_id)));
    expect(orphans).toEqual([]);
    // Lines written inside a request (handlers, hooks, domain steps) point at exported traces too.
    const traced = lines.filter((l) => l.trace_id !== undefined);
    expect(traced.filter((l) => !exported.has(String(l.trace_id)))).toEqual([]);
    for (const line of access) {
      expect(line).toMatchObject({
        method: expect.any(String),
        route: expect.any(String),
        status_code: expect.any(Number),
      });
      expect(typeof line.duration_ms).toBe('number');
    }
  });
});
