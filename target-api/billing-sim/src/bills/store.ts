// The simulator's ledger of bills, in memory: a simulator keeps no state across restarts, as the real
// billing system's state is out of the harness's reach anyway.
import { generateBillingCode, type RandomInt } from './billing-code.ts';

export type BillStatus = 'UNPAID' | 'PAID' | 'REFUNDED';

export interface Bill {
  billingCode: string;
  bookingId: string;
  amount: number;
  payBy: string;
  status: BillStatus;
  paidAt: string | null;
  channel: string | null;
  createdAt: string;
  /** W3C trace context of the request that created the bill, sent again on its notices. */
  traceparent: string | null;
}

export class BillConflictError extends Error {
  readonly code = 'BILL_CONFLICT';
  readonly bookingId: string;
  constructor(bookingId: string) {
    super(`booking ${bookingId} already has a bill with a different amount or deadline`);
    this.name = 'BillConflictError';
    this.bookingId = bookingId;
  }
}

export class BillNotFoundError extends Error {
  readonly code = 'BILL_NOT_FOUND';
  readonly billingCode: string;
  constructor(billingCode: string) {
    super(`no bill has the code ${billingCode}`);
    this.name = 'BillNotFoundError';
    this.billingCode = billingCode;
  }
}

export class BillStateError extends Error {
  readonly code = 'BILL_STATE';
  readonly billingCode: string;
  readonly status: BillStatus;
  constructor(billingCode: string, status: BillStatus, action: string) {
    super(`bill ${billingCode} is ${status}; it cannot be ${action}`);
    this.name = 'BillStateError';
    this.billingCode = billingCode;
    this.status = status;
  }
}

export interface IssueRequest {
  bookingId: string;
  amount: number;
  payBy: string;
  traceparent: string | null;
}

export class BillStore {
  readonly #byCode = new Map<string, Bill>();
  readonly #byBooking = new Map<string, Bill>();
  readonly #random: RandomInt | undefined;

  constructor(random?: RandomInt) {
    this.#random = random;
  }

  /** Issues a bill, or returns the one already issued for this booking (`created: false`). */
  issue(request: IssueRequest, now: Date): { bill: Bill; created: boolean } {
    const existing = this.#byBooking.get(request.bookingId);
    if (existing) {
      if (existing.amount !== request.amount || existing.payBy !== request.payBy) {
        throw new BillConflictError(request.bookingId);
      }
      return { bill: existing, created: false };
    }
    let billingCode = generateBillingCode(this.#random);
    // 10^13 codes per prefix: a collision is rare, but a unique code is the contract.
    while (this.#byCode.has(billingCode)) billingCode = generateBillingCode(this.#random);
    const bill: Bill = {
      billingCode,
      bookingId: request.bookingId,
      amount: request.amount,
      payBy: request.payBy,
      status: 'UNPAID',
      paidAt: null,
      channel: null,
      createdAt: now.toISOString(),
      traceparent: request.traceparent,
    };
    this.#byCode.set(billingCode, bill);
    this.#byBooking.set(request.bookingId, bill);
    return { bill, created: true };
  }

  get(billingCode: string): Bill {
    const bill = this.#byCode.get(billingCode);
    if (!bill) throw new BillNotFoundError(billingCode);
    return bill;
  }

  /**
   * Records a payment. The simulated bank does not enforce `payBy`: a payment at the deadline (or
   * after it, when the API is late to expire) must reach the API, which decides to honour or refund it.
   */
  pay(billingCode: string, channel: string, now: Date): Bill {
    const bill = this.get(billingCode);
    if (bill.status !== 'UNPAID') throw new BillStateError(billingCode, bill.status, 'paid');
    bill.status = 'PAID';
    bill.paidAt = now.toISOString();
    bill.channel = channel;
    return bill;
  }

  refund(billingCode: string): Bill {
    const bill = this.get(billingCode);
    if (bill.status !== 'PAID') throw new BillStateError(billingCode, bill.status, 'refunded');
    bill.status = 'REFUNDED';
    return bill;
  }

  get size(): number {
    return this.#byCode.size;
  }
}
