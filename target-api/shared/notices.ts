// The bodies of the bank's notices, as the billing simulator sends them and the API takes them (the HTTP
// contract of target-api/README.md): one shape in one place, so the two services cannot drift apart.

/** What every notice names: itself, the bill, its booking and the amount. */
export interface BillNotice {
  noticeId: string;
  billingCode: string;
  bookingId: string;
  amount: number;
}

/** A bill was paid (POST /v1/payment-notices). */
export interface PaymentNotice extends BillNotice {
  paidAt: string;
  channel: string;
}

/** A PAID bill's money was given back by someone other than the API (POST /v1/refund-notices). */
export interface RefundNotice extends BillNotice {
  refundedAt: string;
}
