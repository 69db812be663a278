// SQL of the payment side: payment notices, and the booking changes a payment makes (PAID, refunds).
import type { Queryable } from '../storage/index.ts';

export interface StoredNotice {
  noticeId: string;
  billingCode: string;
  bookingId: string | null;
  amount: number;
  paidAt: Date;
  channel: string;
  outcome: string;
  bodyHash: string;
  receivedAt: Date;
  /** Stored under a unique dedupe key (the fix), so the same notice is never counted twice. */
  dedupe: boolean;
}

export async function storeNotice(tx: Queryable, notice: StoredNotice): Promise<void> {
  await tx.query(
    `INSERT INTO payment_notices (notice_id, dedupe_key, body_hash, billing_code, booking_id, amount, paid_at, channel, outcome, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      notice.noticeId,
      notice.dedupe ? notice.noticeId : null,
      notice.bodyHash,
      notice.billingCode,
      notice.bookingId,
      notice.amount,
      notice.paidAt,
      notice.channel,
      notice.outcome,
      notice.receivedAt,
    ],
  );
}

/** The body hash of a notice already stored under this id, locked; undefined for a new notice. */
export async function findSeenNotice(tx: Queryable, noticeId: string): Promise<string | undefined> {
  const result = await tx.query<{ body_hash: string }>(
    'SELECT body_hash FROM payment_notices WHERE dedupe_key = $1 FOR UPDATE',
    [noticeId],
  );
  return result.rows[0]?.body_hash;
}

export async function hasCountedNotice(
  tx: Queryable,
  bookingId: string,
  outcomes: readonly string[],
): Promise<boolean> {
  const result = await tx.query(
    'SELECT 1 FROM payment_notices WHERE booking_id = $1 AND outcome = ANY($2::text[]) LIMIT 1',
    [bookingId, outcomes],
  );
  return result.rows.length > 0;
}

export async function markPaid(tx: Queryable, bookingId: string, paidAt: Date): Promise<void> {
  await tx.query(`UPDATE bookings SET status = 'PAID', paid_at = $2 WHERE id = $1`, [bookingId, paidAt]);
}

/** A payment that came after expiry, honoured: the booking is live again. */
export async function markPaidAfterExpiry(tx: Queryable, bookingId: string, paidAt: Date): Promise<void> {
  await tx.query(`UPDATE bookings SET status = 'PAID', paid_at = $2, closed_at = NULL WHERE id = $1`, [
    bookingId,
    paidAt,
  ]);
}

/** "Cek Tagihan" found the bill paid: PAID if the booking is still waiting. */
export async function markPaidIfWaiting(db: Queryable, bookingId: string, paidAt: Date): Promise<boolean> {
  const updated = await db.query(
    `UPDATE bookings SET status = 'PAID', paid_at = $2 WHERE id = $1 AND status = 'WAITING_PAYMENT' RETURNING id`,
    [bookingId, paidAt],
  );
  return updated.rows.length === 1;
}

export async function setRefundStatus(
  db: Queryable,
  bookingId: string,
  status: 'REQUIRED' | 'REFUNDED',
): Promise<void> {
  await db.query('UPDATE bookings SET refund_status = $2 WHERE id = $1', [bookingId, status]);
}

export interface BillOfBooking {
  id: string;
  billing_code: string;
}

/** WAITING_PAYMENT bookings whose payment window closed before `now`, oldest deadline first. */
export async function findLapsed(db: Queryable, now: Date, batch: number): Promise<BillOfBooking[]> {
  const due = await db.query<BillOfBooking>(
    `SELECT id, billing_code FROM bookings WHERE status = 'WAITING_PAYMENT' AND pay_by < $1 ORDER BY pay_by LIMIT $2`,
    [now, batch],
  );
  return due.rows;
}

export async function findRefundsDue(db: Queryable, batch: number): Promise<BillOfBooking[]> {
  const due = await db.query<BillOfBooking>(
    `SELECT id, billing_code FROM bookings WHERE refund_status = 'REQUIRED' AND billing_code IS NOT NULL LIMIT $1`,
    [batch],
  );
  return due.rows;
}
