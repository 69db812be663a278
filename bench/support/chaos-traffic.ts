// The traffic of `npm run bench:chaos`: a few closed-loop users who book (with an Idempotency-Key,
// retrying with the same key as a real client does), sometimes submit twice, pay at the bank, cancel or
// have an operator refund them, and a few who browse the calendar. Every request's outcome and every
// booking accepted (201, or 202 while its code is issued) with its key goes into the ledger that the
// audit reads afterwards.
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '@paspor-lab/reports/random';
import { Pool } from 'undici';
import { type Booker, bookingBody, type SlotChoice } from './bookers.ts';

export type Service = 'api' | 'billing';

export interface RequestRecord {
  /** Epoch ms when the request was sent, and when its answer (or the failure) came. */
  at: number;
  doneAt: number;
  service: Service;
  op: string;
  /** The HTTP status; 0 when no answer came (connection refused or reset, timeout). */
  status: number;
  /** 503 or 429 with Retry-After: the service shedding load, as it is meant to. */
  shed: boolean;
}

export interface AcceptedBooking {
  id: string;
  idempotencyKey: string;
  status: 201 | 202;
}

export class Ledger {
  readonly requests: RequestRecord[] = [];
  /** Booking id to what the API answered when it accepted it. */
  readonly accepted = new Map<string, AcceptedBooking>();
  /** Bookings the bank took money for (its answer was 200). */
  readonly paid = new Set<string>();
  /** Paid bookings an operator refunded at billing (the API hears of it by a refund notice). */
  readonly refunded = new Set<string>();
  /** A retry or a second submit with the same key that came back with another booking id. */
  readonly keyMismatches: { key: string; first: string; again: string }[] = [];
}

export interface TrafficOptions {
  apiUrl: string;
  billingUrl: string;
  adminToken: string;
  slots: SlotChoice[];
  seed: number;
  bookers: number;
  browsers: number;
  /** Epoch ms at which the users stop starting new journeys. */
  until: number;
}

interface Answer {
  status: number;
  retryAfterMs: number | null;
  body: unknown;
}

const TIMEOUT_MS = 20_000;
/** How long a user keeps retrying one booking (a crash and restart of the API must fit in it). */
const RETRY_FOR_MS = 240_000;
/** Longer than the longest billing outage of the plan, so codes owed after one still get paid. */
const CODE_WAIT_MS = 60_000;
/** Up to this long between one user's journeys. */
const THINK_MS = 400;

export async function runTraffic(options: TrafficOptions, ledger: Ledger): Promise<void> {
  const pools: Record<Service, Pool> = {
    api: new Pool(options.apiUrl, { connections: 16, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS }),
    billing: new Pool(options.billingUrl, {
      connections: 8,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    }),
  };

  const call = async (
    service: Service,
    op: string,
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const record: RequestRecord = { at: Date.now(), doneAt: 0, service, op, status: 0, shed: false };
    ledger.requests.push(record);
    try {
      const response = await pools[service].request({
        method,
        path,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body,
      });
      const text = await response.body.text();
      record.doneAt = Date.now();
      record.status = response.statusCode;
      const retryAfter = response.headers['retry-after'];
      const retryAfterMs = typeof retryAfter === 'string' ? Number(retryAfter) * 1000 : null;
      record.shed = (response.statusCode === 503 || response.statusCode === 429) && retryAfterMs !== null;
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      return { status: response.statusCode, retryAfterMs, body };
    } catch {
      record.doneAt = Date.now();
      return { status: 0, retryAfterMs: null, body: null };
    }
  };

  // Applicants are seeded as they are needed, one account each (so per-account limits stay out of the
  // way), retried while the API is down.
  const supply: Booker[] = [];
  let seeding: Promise<void> | undefined;
  const seedMore = async (): Promise<void> => {
    for (;;) {
      const answer = await call('api', 'seed', 'POST', '/admin/seed', {
        token: options.adminToken,
        body: JSON.stringify({ accounts: 50, applicantsPerAccount: 1 }),
      });
      if (answer.status === 201) {
        const seeded = answer.body as {
          accounts: { token: string; applicants: { applicantId: string }[] }[];
        };
        for (const account of seeded.accounts) {
          for (const applicant of account.applicants)
            supply.push({ token: account.token, applicantId: applicant.applicantId });
        }
        return;
      }
      await sleep(1000);
    }
  };
  const nextBooker = async (): Promise<Booker> => {
    for (;;) {
      if (supply.length < 20) seeding ??= seedMore().finally(() => (seeding = undefined));
      const booker = supply.pop();
      if (booker) return booker;
      await seeding;
    }
  };

  /** Submits until an answer that is not a fault (no answer, 5xx, shed), for up to RETRY_FOR_MS. */
  const submit = async (op: string, booker: Booker, body: string, key: string): Promise<Answer> => {
    const giveUpAt = Date.now() + RETRY_FOR_MS;
    for (;;) {
      const answer = await call('api', op, 'POST', '/v1/bookings', {
        token: booker.token,
        body,
        headers: { 'idempotency-key': key },
      });
      const retry = answer.status === 0 || answer.status >= 500 || answer.status === 429;
      if (!retry || Date.now() > giveUpAt) return answer;
      op = 'book-retry';
      await sleep(Math.min(answer.retryAfterMs ?? 1000, 5000));
    }
  };

  let journeys = 0;
  const booker = async (index: number): Promise<void> => {
    const random = seededRandom(options.seed + index + 1);
    while (Date.now() < options.until) {
      const who = await nextBooker();
      const slot = options.slots[Math.floor(random() * options.slots.length)] as SlotChoice;
      const key = `chaos-${options.seed}-${index}-${journeys++}`;
      const body = bookingBody(who, slot);
      const first = await submit('book', who, body, key);
      if (first.status !== 201 && first.status !== 202) continue;
      const booking = first.body as { id: string; billingCode: string | null };
      ledger.accepted.set(booking.id, { id: booking.id, idempotencyKey: key, status: first.status });
      const roll = random();
      if (roll < 0.1) {
        // A second tap on "submit": the same key must give the same booking.
        const again = await submit('book-again', who, body, key);
        const id = (again.body as { id?: string } | null)?.id;
        if ((again.status === 201 || again.status === 202) && id !== booking.id)
          ledger.keyMismatches.push({ key, first: booking.id, again: String(id) });
      }
      // Paying waits for the code, which comes late in a billing outage: the user pays in the background
      // while the next one books, so an outage does not hold the booking traffic back.
      if (roll < 0.75) paying.push(payFor(who, booking, random() < 0.1));
      else if (roll < 0.85)
        await call('api', 'cancel', 'POST', `/v1/bookings/${booking.id}/cancel`, { token: who.token });
      // The rest stay WAITING_PAYMENT (or HELD) to the end, as many real bookings do.
      await sleep(THINK_MS * random());
    }
  };
  const paying: Promise<void>[] = [];

  const payFor = async (
    who: Booker,
    booking: { id: string; billingCode: string | null },
    refundAfterwards: boolean,
  ): Promise<void> => {
    let code = booking.billingCode;
    const giveUpAt = Date.now() + CODE_WAIT_MS;
    while (!code && Date.now() < giveUpAt) {
      await sleep(1000);
      const seen = await call('api', 'booking-status', 'GET', `/v1/bookings/${booking.id}`, {
        token: who.token,
      });
      code = (seen.body as { billingCode?: string | null } | null)?.billingCode ?? null;
    }
    if (!code) return;
    const paid = await call('billing', 'pay', 'POST', `/v1/bills/${code}/pay`, {
      body: JSON.stringify({ channel: 'ATM' }),
    });
    if (paid.status !== 200) return;
    ledger.paid.add(booking.id);
    if (refundAfterwards) {
      await sleep(500);
      const refund = await call('billing', 'refund', 'POST', `/v1/bills/${code}/refund`, {
        token: options.adminToken,
      });
      if (refund.status === 200) ledger.refunded.add(booking.id);
    }
  };

  const browser = async (index: number): Promise<void> => {
    const random = seededRandom(options.seed + 1000 + index);
    while (Date.now() < options.until) {
      const slot = options.slots[Math.floor(random() * options.slots.length)] as SlotChoice;
      await call(
        'api',
        'availability',
        'GET',
        `/v1/offices/${slot.officeId}/availability?from=${slot.date}&days=3`,
      );
      await sleep(200 + random() * 300);
    }
  };

  try {
    await Promise.all([
      ...Array.from({ length: options.bookers }, (_, i) => booker(i)),
      ...Array.from({ length: options.browsers }, (_, i) => browser(i)),
    ]);
    await Promise.all(paying);
  } finally {
    await Promise.all([pools.api.close(), pools.billing.close()]);
  }
}
