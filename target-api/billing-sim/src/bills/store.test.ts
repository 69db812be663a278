import { describe, expect, it } from 'vitest';
import { BillConflictError, BillNotFoundError, BillStateError, BillStore } from './store.ts';

const now = new Date('2026-01-13T02:00:00Z');
const request = { bookingId: 'b-1', amount: 950_000, payBy: '2026-01-13T04:00:00.000Z', traceparent: null };

describe('BillStore', () => {
  it('issues one bill per booking: a repeated request gets the same code back', () => {
    const store = new BillStore();
    const first = store.issue(request, now);
    const again = store.issue(request, now);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.bill.billingCode).toBe(first.bill.billingCode);
    expect(store.size).toBe(1);
  });

  it('refuses to re-issue a booking with a different amount', () => {
    const store = new BillStore();
    store.issue(request, now);
    expect(() => store.issue({ ...request, amount: 650_000 }, now)).toThrow(BillConflictError);
  });

  it('keeps codes unique even when the generator repeats itself', () => {
    // A generator that yields the same code for the first two bills forces the collision path.
    const sequence = [...Array(14).fill(1), ...Array(14).fill(1), ...Array(14).fill(2)];
    let i = 0;
    const store = new BillStore((bound) => (sequence[i++] ?? 3) % bound);
    const a = store.issue({ ...request, bookingId: 'a' }, now).bill.billingCode;
    const b = store.issue({ ...request, bookingId: 'b' }, now).bill.billingCode;
    expect(a).not.toBe(b);
  });

  it('pays an unpaid bill once, then refuses a second payment', () => {
    const store = new BillStore();
    const { bill } = store.issue(request, now);
    const paid = store.pay(bill.billingCode, 'ATM', now);
    expect(paid).toMatchObject({ status: 'PAID', paidAt: now.toISOString(), channel: 'ATM' });
    expect(() => store.pay(bill.billingCode, 'ATM', now)).toThrow(BillStateError);
  });

  it('refunds only a paid bill', () => {
    const store = new BillStore();
    const { bill } = store.issue(request, now);
    expect(() => store.refund(bill.billingCode)).toThrow(BillStateError);
    store.pay(bill.billingCode, 'TELLER', now);
    expect(store.refund(bill.billingCode).status).toBe('REFUNDED');
  });

  it('reports an unknown code as not found', () => {
    expect(() => new BillStore().get('812345678901234')).toThrow(BillNotFoundError);
  });
});
