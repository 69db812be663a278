// What `npm run bench:chaos` checks afterwards, straight from PostgreSQL (not through the API): every
// booking the API accepted is there under the key it was accepted with, seats and notices add up, and
// nothing the bank was paid for expired. And the pure part: which requests fell in a fault's window.
import pg from 'pg';
import type { Ledger, RequestRecord } from './chaos-traffic.ts';

export interface Window {
  kind: string;
  startMs: number;
  endMs: number;
}

export interface DatabaseAudit {
  /** Accepted bookings with no row in `bookings`. */
  lost: string[];
  /** Accepted bookings whose Idempotency-Key row is missing or names another booking. */
  keyMismatches: string[];
  /** Each direct check with its violation count. */
  checks: { name: string; violations: number }[];
  /**
   * Paid at the bank (and not refunded by an operator), yet neither PAID (or attended) in the API nor
   * refunded by it: money taken for no seat. A lost notice is found when the payment window lapses (the
   * sweeper asks billing first), so this counts only once every window of the run has lapsed.
   */
  paidNotApplied: string[];
}

const CHECKS: { name: string; sql: string }[] = [
  {
    name: 'seats: taken = seat-holding bookings <= capacity',
    sql: `SELECT count(*)::int AS n FROM slots s
          LEFT JOIN (SELECT slot_id, count(*) AS held FROM bookings
                     WHERE status IN ('HELD','WAITING_PAYMENT','PAID','ATTENDED','NO_SHOW') GROUP BY slot_id) b
            ON b.slot_id = s.id
          WHERE s.taken <> coalesce(b.held, 0) OR s.taken > s.capacity OR s.taken < 0`,
  },
  {
    name: 'one active booking per NIK',
    sql: `SELECT count(*)::int AS n FROM (SELECT nik FROM bookings WHERE status IN ('HELD','WAITING_PAYMENT','PAID')
          GROUP BY nik HAVING count(*) > 1) d`,
  },
  {
    name: 'a notice counted once, a booking paid once',
    sql: `SELECT (SELECT count(*) FROM (SELECT notice_id FROM payment_notices WHERE outcome IN ('paid','late-honoured')
                   GROUP BY notice_id HAVING count(*) > 1) a)::int
               + (SELECT count(*) FROM (SELECT booking_id FROM payment_notices WHERE outcome IN ('paid','late-honoured')
                   GROUP BY booking_id HAVING count(DISTINCT notice_id) > 1) b)::int AS n`,
  },
  {
    name: 'paid bookings never expire or lose their seat',
    sql: `SELECT count(DISTINCT b.id)::int AS n FROM bookings b
          JOIN payment_notices n ON n.booking_id = b.id AND n.outcome IN ('paid','late-honoured')
          WHERE b.status IN ('EXPIRED','RELEASED')`,
  },
];

export async function auditDatabase(databaseUrl: string, ledger: Ledger): Promise<DatabaseAudit> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const accepted = [...ledger.accepted.values()];
    const rows = await client.query<{
      id: string;
      status: string;
      refund_status: string | null;
      key: string | null;
    }>(
      `SELECT b.id, b.status, b.refund_status, k.key FROM bookings b
       LEFT JOIN idempotency_keys k ON k.booking_id = b.id AND k.account_id = b.account_id
       WHERE b.id = ANY($1::text[])`,
      [accepted.map((booking) => booking.id)],
    );
    const found = new Map(rows.rows.map((row) => [row.id, row]));
    const lost = accepted.filter((booking) => !found.has(booking.id)).map((booking) => booking.id);
    const keyMismatches = accepted
      .filter((booking) => {
        const row = found.get(booking.id);
        return row !== undefined && row.key !== booking.idempotencyKey;
      })
      .map((booking) => booking.id);
    const checks = [];
    for (const check of CHECKS) {
      const result = await client.query<{ n: number }>(check.sql);
      checks.push({ name: check.name, violations: result.rows[0]?.n ?? 0 });
    }
    const applied = new Set(['PAID', 'ATTENDED', 'NO_SHOW']);
    const paidNotApplied = [...ledger.paid].filter((id) => {
      const row = found.get(id);
      if (ledger.refunded.has(id) || row === undefined) return false;
      return !applied.has(row.status) && row.refund_status === null;
    });
    return { lost, keyMismatches, checks, paidNotApplied };
  } finally {
    await client.end();
  }
}

/**
 * The fault window a request overlapped, from its sending to its answer, if any; each window is
 * stretched by `graceMs` at its end (a breaker that opened in an outage stays open a little after it).
 */
export function windowOf(
  record: RequestRecord,
  windows: readonly Window[],
  graceMs: number,
): Window | undefined {
  return windows.find((window) => record.doneAt >= window.startMs && record.at < window.endMs + graceMs);
}
