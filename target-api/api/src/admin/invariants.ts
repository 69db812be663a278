// The six invariants of docs/DEFECTS.md, each computed by SQL from the database itself.
import { ACTIVE, SEAT_HOLDING } from '../booking/domain/states.ts';
import type { AppContext } from '../context.ts';
import { COUNTED_OUTCOMES } from '../payments/notices.ts';

export interface InvariantResult {
  name: string;
  description: string;
  violations: number;
  examples: Record<string, unknown>[];
}

export interface InvariantReport {
  ok: boolean;
  checkedAt: string;
  invariants: InvariantResult[];
  /** Not an invariant (no rule forbids it outright), but what quota-hoarding shows: most live holds. */
  holds: { maxPerAccount: number; maxPerNik: number };
}

const EXAMPLES = 10;

interface Check {
  name: string;
  description: string;
  /** Selects one row per violation; `:name` placeholders are bound by name (see NAMED below). */
  sql: string;
}

/**
 * Seat-holding bookings counted per slot before the join: on tables no ANALYZE has seen yet (a short
 * run) PostgreSQL planned the join-then-group form as a nested loop, 0.5 s of CPU per check at 5000
 * bookings (npm run bench:invariants); grouped first it is a hash join whatever the statistics.
 */
const SEATS_PER_SLOT = `SELECT slot_id, count(*) AS n FROM bookings WHERE status = ANY(:seatHolding) GROUP BY slot_id`;

const CHECKS: Check[] = [
  {
    name: 'slot-over-capacity',
    description: 'No slot is booked beyond its capacity.',
    sql: `SELECT s.id AS slot, s.capacity, s.taken, coalesce(b.n, 0)::int AS bookings
          FROM slots s LEFT JOIN (${SEATS_PER_SLOT}) b ON b.slot_id = s.id
          WHERE s.taken > s.capacity OR coalesce(b.n, 0) > s.capacity`,
  },
  {
    name: 'duplicate-active-booking',
    description: 'No NIK has more than one active booking.',
    sql: `SELECT nik, count(*)::int AS active, array_agg(id) AS bookings FROM bookings
          WHERE status = ANY(:active) GROUP BY nik HAVING count(*) > 1`,
  },
  {
    name: 'booking-without-code',
    description:
      'Every booking that waited longer than the issuance objective has a billing code or was released.',
    sql: `SELECT id AS booking, status, created_at AS "createdAt" FROM bookings
          WHERE status = 'HELD' AND billing_code IS NULL AND created_at < :now - (:objectiveMs * interval '1 millisecond')`,
  },
  {
    name: 'paid-but-expired',
    description: 'No booking whose bill was paid is EXPIRED or RELEASED.',
    sql: `SELECT b.id AS booking, b.status, b.billing_code AS "billingCode", min(n.paid_at) AS "paidAt" FROM bookings b
          JOIN payment_notices n ON n.booking_id = b.id AND n.outcome <> 'refund-required'
          WHERE b.status IN ('EXPIRED', 'RELEASED') GROUP BY b.id`,
  },
  {
    name: 'notice-mismatch',
    description: 'Every accepted payment notice matches exactly one booking; none is counted twice.',
    sql: `SELECT 'unmatched' AS problem, notice_id AS "noticeId", NULL AS booking, 1 AS count FROM payment_notices
            WHERE booking_id IS NULL AND outcome = ANY(:counted)
          UNION ALL
          SELECT 'counted-twice', notice_id, min(booking_id), count(*)::int FROM payment_notices
            WHERE outcome = ANY(:counted) GROUP BY notice_id HAVING count(*) > 1
          UNION ALL
          SELECT 'booking-paid-twice', min(notice_id), booking_id, count(DISTINCT notice_id)::int FROM payment_notices
            WHERE outcome = ANY(:counted) AND booking_id IS NOT NULL GROUP BY booking_id HAVING count(DISTINCT notice_id) > 1`,
  },
  {
    name: 'quota-not-conserved',
    description: 'For every slot, capacity = free + held + waiting payment + paid (+ attended, no-show).',
    sql: `SELECT s.id AS slot, s.capacity, s.taken, coalesce(b.n, 0)::int AS "seatHolding"
          FROM slots s LEFT JOIN (${SEATS_PER_SLOT}) b ON b.slot_id = s.id
          WHERE s.taken <> coalesce(b.n, 0) OR s.taken < 0`,
  },
];

export const INVARIANT_NAMES = CHECKS.map((check) => check.name);

export async function checkInvariants(ctx: AppContext): Promise<InvariantReport> {
  const now = ctx.clock.now();
  const named: Record<string, [unknown, string]> = {
    seatHolding: [SEAT_HOLDING, 'text[]'],
    active: [ACTIVE, 'text[]'],
    now: [new Date(now), 'timestamptz'],
    objectiveMs: [ctx.config.issuanceObjectiveSeconds * 1000 * ctx.clock.speed, 'float8'],
    counted: [COUNTED_OUTCOMES, 'text[]'],
  };
  const invariants: InvariantResult[] = [];
  for (const check of CHECKS) {
    // Bind `:name` placeholders to $1.. in order of first use, so every query passes only what it uses.
    const order: string[] = [];
    const sql = check.sql.replace(/(?<!:):([a-zA-Z]+)/g, (_, name: string) => {
      const entry = named[name];
      if (!entry) throw new Error(`invariant ${check.name} uses unknown parameter ${name}`);
      if (!order.includes(name)) order.push(name);
      return `$${order.indexOf(name) + 1}::${entry[1]}`;
    });
    const rows = await ctx.db.query<Record<string, unknown>>(
      `SELECT count(*) OVER ()::int AS __total, v.* FROM (${sql}) v LIMIT ${EXAMPLES}`,
      order.map((name) => named[name]?.[0]),
    );
    const total = (rows.rows[0]?.__total as number | undefined) ?? 0;
    invariants.push({
      name: check.name,
      description: check.description,
      violations: total,
      examples: rows.rows.map(({ __total, ...rest }) => rest),
    });
  }
  const holds = (
    await ctx.db.query<{ per_account: number | null; per_nik: number | null }>(
      `SELECT (SELECT max(n) FROM (SELECT count(*)::int AS n FROM bookings WHERE status = ANY($1::text[]) GROUP BY account_id) a) AS per_account,
              (SELECT max(n) FROM (SELECT count(*)::int AS n FROM bookings WHERE status = ANY($1::text[]) GROUP BY nik) k) AS per_nik`,
      [ACTIVE],
    )
  ).rows[0];
  for (const invariant of invariants) ctx.metrics.invariantViolations(invariant.name, invariant.violations);
  return {
    ok: invariants.every((invariant) => invariant.violations === 0),
    checkedAt: new Date(now).toISOString(),
    invariants,
    holds: { maxPerAccount: holds?.per_account ?? 0, maxPerNik: holds?.per_nik ?? 0 },
  };
}

/**
 * The service's own watch, run every INVARIANT_CHECK_MS by app.ts: re-checks the invariants (so the
 * `mpaspor_invariant_violations` gauge, and the InvariantViolation alert, move during a rush, not only
 * when someone reads /admin/invariants), then counts each booking whose payment-code deadline passed
 * since the last pass: in time if its code was issued by the deadline, missed otherwise (the payment-code
 * SLI of observability/README.md). Each booking is counted once: the passes cover consecutive windows of
 * creation time. Cost: `npm run bench:invariants` (CPU per pass on PGlite and PostgreSQL).
 */
export function invariantWatch(ctx: AppContext): () => Promise<void> {
  const objectiveMs = () => ctx.config.issuanceObjectiveSeconds * 1000 * ctx.clock.speed;
  // Bookings made before the service started are not this process's to count.
  let countedUntil = ctx.clock.now() - objectiveMs();
  return async function watchPass() {
    await checkInvariants(ctx);
    const until = ctx.clock.now() - objectiveMs();
    if (until <= countedUntil) return;
    const row = (
      await ctx.db.query<{ in_time: number; total: number }>(
        `SELECT count(*) FILTER (WHERE code_issued_at IS NOT NULL
                  AND code_issued_at <= created_at + ($3::float8 * interval '1 millisecond'))::int AS in_time,
                count(*)::int AS total
           FROM bookings WHERE created_at > $1::timestamptz AND created_at <= $2::timestamptz`,
        [new Date(countedUntil), new Date(until), objectiveMs()],
      )
    ).rows[0];
    countedUntil = until;
    const inTime = row?.in_time ?? 0;
    const total = row?.total ?? 0;
    if (total > 0) ctx.metrics.paymentCodeDeadlines(inTime, total - inTime);
  };
}
