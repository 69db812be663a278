// Notice delivery over real HTTP: the simulator pays a bill and POSTs the notice to a loopback receiver.
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyNotice } from '../../../shared/notice-signature.ts';
import { type NoticeReceiver, startNoticeReceiver } from '../../test/notice-receiver.ts';
import { buildBillingSim } from '../app.ts';
import { type BillingSimConfig, simConfig } from '../config.ts';

const secret = 'notice-secret';
const admin = { authorization: 'Bearer admin-secret' };
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let app: FastifyInstance | undefined;
let receiver: NoticeReceiver | undefined;

afterEach(async () => {
  await app?.close();
  await receiver?.close();
  app = undefined;
  receiver = undefined;
});

async function start(answer?: (n: number) => number, overrides: Partial<BillingSimConfig> = {}) {
  receiver = await startNoticeReceiver(answer);
  app = buildBillingSim(
    simConfig({
      apiUrl: receiver.url,
      noticeSecret: secret,
      adminToken: 'admin-secret',
      ...overrides,
      notices: {
        maxAttempts: 4,
        initialDelayMs: 20,
        maxDelayMs: 80,
        attemptTimeoutMs: 2_000,
        reorderWindowMs: 200,
        ...overrides.notices,
      },
    }),
  );
  await app.ready();
  return { app, receiver };
}

async function issueAndPay(sim: FastifyInstance, bookingId: string): Promise<string> {
  const issued = await sim.inject({
    method: 'POST',
    url: '/v1/bills',
    headers: { traceparent },
    payload: { bookingId, amount: 950_000, payBy: '2026-01-13T04:00:00.000Z' },
  });
  const { billingCode } = issued.json();
  const paid = await sim.inject({
    method: 'POST',
    url: `/v1/bills/${billingCode}/pay`,
    payload: { channel: 'MOBILE_BANKING' },
  });
  expect(paid.statusCode).toBe(200);
  return billingCode;
}

async function setNoticeFaults(sim: FastifyInstance, notices: Record<string, unknown>) {
  const response = await sim.inject({
    method: 'PUT',
    url: '/admin/faults',
    headers: admin,
    payload: { notices },
  });
  expect(response.statusCode).toBe(200);
}

describe('payment notice delivery', () => {
  it('POSTs a notice the API can verify with the shared secret, carrying the bill trace context', async () => {
    const { app, receiver } = await start();
    const billingCode = await issueAndPay(app, 'booking-1');
    const [notice] = await receiver.waitFor(1);
    if (!notice) throw new Error('no notice');
    expect(notice.body).toMatchObject({
      billingCode,
      bookingId: 'booking-1',
      amount: 950_000,
      channel: 'MOBILE_BANKING',
    });
    expect(notice.body.noticeId).toMatch(/^[0-9a-f-]{36}$/);
    const check = verifyNotice(
      secret,
      notice.rawBody,
      notice.headers['x-signature'] as string,
      notice.headers['x-signature-timestamp'] as string,
      Math.floor(Date.now() / 1000),
    );
    expect(check).toEqual({ ok: true });
    expect(
      verifyNotice(
        'another-secret',
        notice.rawBody,
        notice.headers['x-signature'] as string,
        notice.headers['x-signature-timestamp'] as string,
        Math.floor(Date.now() / 1000),
      ).ok,
    ).toBe(false);
    expect(notice.headers.traceparent).toBe(traceparent);
  });

  it('retries with backoff after the receiver fails, until it acknowledges', async () => {
    const { app, receiver } = await start((n) => (n < 2 ? 500 : 200));
    await issueAndPay(app, 'booking-1');
    const arrivals = await receiver.waitFor(3);
    await app.billingSim.sender.idle();
    expect(new Set(arrivals.map((a) => a.rawBody)).size).toBe(1); // the same notice each time
    const [first, second, third] = arrivals.map((a) => a.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(5);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(5);
    expect(app.billingSim.sender.records()).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 3 }),
    ]);
  });

  it('gives up after the bounded number of attempts and records the failure', async () => {
    const { app, receiver } = await start(() => 503);
    await issueAndPay(app, 'booking-1');
    await app.billingSim.sender.idle();
    expect(receiver.received).toHaveLength(4);
    const log = (await app.inject({ method: 'GET', url: '/admin/notices', headers: admin })).json();
    expect(log.counts).toEqual({ failed: 1 });
    expect(log.notices[0]).toMatchObject({
      status: 'failed',
      attempts: 4,
      lastError: expect.stringContaining('503'),
    });
  });

  it('drops every notice at dropRate 1: the bill is PAID but the API hears nothing', async () => {
    const { app, receiver } = await start();
    await setNoticeFaults(app, { dropRate: 1 });
    const billingCode = await issueAndPay(app, 'booking-1');
    await app.billingSim.sender.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(0);
    expect((await app.inject({ method: 'GET', url: `/v1/bills/${billingCode}` })).json().status).toBe('PAID');
    expect(app.billingSim.sender.records()[0]?.status).toBe('dropped');
  });

  it('sends the very same notice twice at duplicateRate 1', async () => {
    const { app, receiver } = await start();
    await setNoticeFaults(app, { duplicateRate: 1 });
    await issueAndPay(app, 'booking-1');
    const [a, b] = await receiver.waitFor(2);
    expect(a?.rawBody).toBe(b?.rawBody);
    await app.billingSim.sender.idle();
    expect(receiver.received).toHaveLength(2);
  });

  it('holds each notice for delayMs before the first attempt', async () => {
    const { app, receiver } = await start();
    await setNoticeFaults(app, { delayMs: 300 });
    const paidAt = Date.now();
    await issueAndPay(app, 'booking-1');
    const [notice] = await receiver.waitFor(1);
    expect((notice?.at ?? 0) - paidAt).toBeGreaterThanOrEqual(290);
  });

  it('holds notices while reorder is on and releases them together in a shuffled order', async () => {
    // random() = 0 makes the Fisher-Yates shuffle a rotation: never the original order.
    const { app, receiver } = await start(undefined, { random: () => 0 });
    await setNoticeFaults(app, { reorder: true });
    const started = Date.now();
    const paid: string[] = [];
    for (let i = 0; i < 5; i++) paid.push(await issueAndPay(app, `booking-${i}`));
    const arrivals = await receiver.waitFor(5);
    expect(Math.min(...arrivals.map((a) => a.at)) - started).toBeGreaterThanOrEqual(190);
    const order = arrivals.map((a) => a.body.billingCode);
    expect([...order].sort()).toEqual([...paid].sort());
    expect(order).not.toEqual(paid);
  });

  it('ends a hung bill call when the client gives up, and closes without waiting for it', async () => {
    const { app } = await start(undefined, { maxHangMs: 60_000 });
    await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { billing: { timeoutRate: 1 } },
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const gaveUp = request(`${address}/v1/bills/812345678901234`, { signal: AbortSignal.timeout(200) });
    await expect(gaveUp).rejects.toThrow();
    const stillHanging = request(`${address}/v1/bills/812345678901234`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = performance.now();
    await app.close();
    expect(performance.now() - closing).toBeLessThan(2_000);
    // Released by the shutdown, the hung call still gets an answer rather than a reset connection.
    expect(await stillHanging).toMatchObject({ statusCode: 504 });
  });
});
