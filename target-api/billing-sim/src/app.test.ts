import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refundSigningText, signNotice } from '../../shared/notice-signature.ts';
import { type NoticeReceiver, startNoticeReceiver } from '../test/notice-receiver.ts';
import { buildBillingSim } from './app.ts';
import { simConfig } from './config.ts';

const admin = { authorization: 'Bearer admin-secret' };
const payBy = '2026-01-13T04:00:00.000Z';
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let app: FastifyInstance;
let receiver: NoticeReceiver;

beforeEach(async () => {
  receiver = await startNoticeReceiver();
  app = buildBillingSim(
    simConfig({ apiUrl: receiver.url, noticeSecret: 's3cret', adminToken: 'admin-secret', maxHangMs: 300 }),
  );
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await receiver.close();
});

async function issue(bookingId = 'booking-1', amount = 950_000) {
  return app.inject({ method: 'POST', url: '/v1/bills', payload: { bookingId, amount, payBy } });
}

describe('billing simulator routes', () => {
  it('issues a 15-digit PNBP code and answers the same code again for the same booking', async () => {
    const first = await issue();
    expect(first.statusCode).toBe(201);
    const bill = first.json();
    expect(bill).toEqual({ billingCode: expect.stringMatching(/^[789]\d{14}$/), amount: 950_000, payBy });
    const again = await issue();
    expect(again.statusCode).toBe(201);
    expect(again.json().billingCode).toBe(bill.billingCode);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await issue('booking-2')).json().billingCode).not.toBe(bill.billingCode);
  });

  it('answers 409 problem+json when a booking is billed again with another amount', async () => {
    await issue();
    const conflict = await issue('booking-1', 650_000);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(conflict.json().type).toBe('https://paspor-lab.dev/problems/bill-conflict');
  });

  it('rejects a malformed bill request with problem+json carrying the trace id', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/bills',
      headers: { traceparent },
      payload: { bookingId: 'b', amount: 1.5, payBy: 'tomorrow' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('shows the bill as UNPAID, then PAID after the bank pays (Cek Tagihan)', async () => {
    const { billingCode } = (await issue()).json();
    const before = await app.inject({ method: 'GET', url: `/v1/bills/${billingCode}` });
    expect(before.json()).toEqual({
      billingCode,
      bookingId: 'booking-1',
      amount: 950_000,
      status: 'UNPAID',
      paidAt: null,
    });
    const paid = await app.inject({
      method: 'POST',
      url: `/v1/bills/${billingCode}/pay`,
      payload: { channel: 'ATM' },
    });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toEqual({ status: 'PAID', paidAt: expect.any(String) });
    const after = await app.inject({ method: 'GET', url: `/v1/bills/${billingCode}` });
    expect(after.json()).toMatchObject({ status: 'PAID', paidAt: paid.json().paidAt });
  });

  it('refuses to take the same payment twice', async () => {
    const { billingCode } = (await issue()).json();
    await app.inject({ method: 'POST', url: `/v1/bills/${billingCode}/pay`, payload: { channel: 'ATM' } });
    const second = await app.inject({
      method: 'POST',
      url: `/v1/bills/${billingCode}/pay`,
      payload: { channel: 'ATM' },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().type).toBe('https://paspor-lab.dev/problems/bill-already-paid');
  });

  it("refunds a paid bill for the operator or the API's signature, never for anyone else", async () => {
    const { billingCode } = (await issue()).json();
    await app.inject({ method: 'POST', url: `/v1/bills/${billingCode}/pay`, payload: { channel: 'TELLER' } });
    const anonymous = await app.inject({ method: 'POST', url: `/v1/bills/${billingCode}/refund` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    const refund = await app.inject({
      method: 'POST',
      url: `/v1/bills/${billingCode}/refund`,
      headers: admin,
    });
    expect(refund.json()).toEqual({ status: 'REFUNDED' });
    const second = await issue('booking-2');
    const code2 = second.json().billingCode;
    await app.inject({ method: 'POST', url: `/v1/bills/${code2}/pay`, payload: { channel: 'ATM' } });
    const ts = Math.floor(Date.now() / 1000);
    const signed = await app.inject({
      method: 'POST',
      url: `/v1/bills/${code2}/refund`,
      headers: {
        'x-signature': signNotice('s3cret', refundSigningText(code2), ts),
        'x-signature-timestamp': String(ts),
      },
    });
    expect(signed.json()).toEqual({ status: 'REFUNDED' });
    expect((await app.inject({ method: 'GET', url: `/v1/bills/${billingCode}` })).json().status).toBe(
      'REFUNDED',
    );
  });

  it('answers 404 for an unknown code and for one that fails its check digit', async () => {
    const { billingCode } = (await issue()).json();
    const last = Number(billingCode.slice(-1));
    const typo = `${billingCode.slice(0, -1)}${(last + 1) % 10}`;
    const unknown = await app.inject({ method: 'GET', url: `/v1/bills/${typo}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().type).toBe('https://paspor-lab.dev/problems/bill-not-found');
  });

  it('keeps /admin behind the admin token', async () => {
    const none = await app.inject({ method: 'GET', url: '/admin/faults' });
    const wrong = await app.inject({
      method: 'GET',
      url: '/admin/faults',
      headers: { authorization: 'Bearer nope' },
    });
    expect(none.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    const put = await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: { authorization: 'Bearer nope' },
      payload: { billing: { outage: true } },
    });
    expect(put.statusCode).toBe(401);
    expect((await issue()).statusCode).toBe(201); // the refused PUT changed nothing
  });

  it('fails every bill call with 503 during an outage, and recovers when faults are cleared', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { billing: { outage: true } },
    });
    expect(put.json().active.billing.outage).toBe(true);
    const down = await issue();
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json().type).toBe('https://paspor-lab.dev/problems/billing-outage');
    await app.inject({ method: 'DELETE', url: '/admin/faults', headers: admin });
    expect((await issue()).statusCode).toBe(201);
  });

  it('answers 5xx for every call at errorRate 1 and adds the configured latency', async () => {
    await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { billing: { errorRate: 1, latencyMs: 120 } },
    });
    const started = performance.now();
    const response = await issue();
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    expect(response.statusCode).toBe(500);
    expect(response.json().type).toBe('https://paspor-lab.dev/problems/billing-error');
  });

  it('hangs a call at timeoutRate 1 (here capped at 300 ms, then 504)', async () => {
    await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { billing: { timeoutRate: 1 } },
    });
    const started = performance.now();
    const response = await issue();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.statusCode).toBe(504);
  });

  it('applies a scheduled fault only once its window opens', async () => {
    const startAt = new Date(Date.now() + 60_000).toISOString();
    await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { billing: { outage: true, startAt } },
    });
    const faults = (await app.inject({ method: 'GET', url: '/admin/faults', headers: admin })).json();
    expect(faults.billing).toMatchObject({ outage: true, startAt, endAt: null });
    expect(faults.active.billing.outage).toBe(false);
    expect((await issue()).statusCode).toBe(201);
  });

  it('refuses a fault window that ends before it starts, and out-of-range rates', async () => {
    const window = await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { billing: { outage: true }, startAt: '2026-01-13T03:00:00Z', endAt: '2026-01-13T02:00:00Z' },
    });
    expect(window.statusCode).toBe(400);
    expect(window.json().type).toBe('https://paspor-lab.dev/problems/invalid-fault-window');
    const rate = await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { notices: { dropRate: 2 } },
    });
    expect(rate.statusCode).toBe(400);
  });

  it('reports live and ready', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).json()).toEqual({ status: 'ok' });
  });
});
