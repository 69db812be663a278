// What both API benchmarks need before they measure: seeded bookers with activated accounts, one
// REGULER slot large enough for every booking of the run, and the body of one booking request.

import type { Stack } from '@paspor-lab/target-api';
import type { Pool } from 'undici';

export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchError';
  }
}

export interface Booker {
  token: string;
  applicantId: string;
}

export interface SlotChoice {
  officeId: string;
  date: string;
  session: string;
}

const APPLICANTS_PER_ACCOUNT = 5;
/** Accounts per `POST /admin/seed` call. */
const SEED_BATCH = 100;

/** An admin call that must succeed: its JSON answer, or a BenchError naming the call and the answer. */
export async function adminJson(
  pool: Pool,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  token: string,
  body?: unknown,
): Promise<unknown> {
  const response = await pool.request({
    method,
    path,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300)
    throw new BenchError(`${method} ${path} answered ${response.statusCode}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Seeds `bookings` bookers (five applicants an account) and opens one REGULER slot with room for all. */
export async function prepareBookers(
  stack: Stack,
  pool: Pool,
  bookings: number,
): Promise<{ bookers: Booker[]; slot: SlotChoice }> {
  const perAccount: Booker[][] = [];
  const accounts = Math.ceil(bookings / APPLICANTS_PER_ACCOUNT);
  for (let done = 0; done < accounts; done += SEED_BATCH) {
    const seeded = (await adminJson(pool, 'POST', '/admin/seed', stack.adminToken, {
      accounts: Math.min(SEED_BATCH, accounts - done),
      applicantsPerAccount: APPLICANTS_PER_ACCOUNT,
    })) as { accounts: { token: string; applicants: { applicantId: string }[] }[] };
    for (const account of seeded.accounts) {
      perAccount.push(account.applicants.map((a) => ({ token: account.token, applicantId: a.applicantId })));
    }
  }
  // Round robin over the accounts: one account's five bookings are spread over the run, as a family
  // books one member after another. Back to back they would meet hardened's one-booking-at-a-time gate
  // (quota-hoarding's fix) and measure it instead of the booking path.
  const bookers: Booker[] = [];
  for (let member = 0; member < APPLICANTS_PER_ACCOUNT; member++) {
    for (const family of perAccount) {
      const booker = family[member];
      if (booker) bookers.push(booker);
    }
  }
  const offices = (await adminJson(pool, 'GET', '/v1/offices', stack.adminToken)) as { id: string }[];
  const officeId = offices[0]?.id;
  if (!officeId) throw new BenchError('the API lists no office');
  const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  await adminJson(pool, 'POST', '/admin/releases', stack.adminToken, {
    officeId,
    dates: [date],
    capacity: bookings + 100,
  });
  const slots = (await adminJson(
    pool,
    'GET',
    `/v1/offices/${officeId}/availability?from=${date}`,
    stack.adminToken,
  )) as { date: string; session: string; category: string; free: number }[];
  const slot = slots.find((s) => s.date === date && s.category === 'REGULER' && s.free >= bookings);
  if (!slot)
    throw new BenchError(
      `no REGULER slot with ${bookings} free seats after the release: ${JSON.stringify(slots)}`,
    );
  return { bookers, slot: { officeId, date, session: slot.session } };
}

/** The JSON body of one booking by `booker` in `slot`. */
export function bookingBody(booker: Booker, slot: SlotChoice): string {
  return JSON.stringify({
    applicantId: booker.applicantId,
    ...slot,
    category: 'REGULER',
    passportType: 'E_PASPOR',
    validityYears: 10,
    applicationType: 'BARU',
    purpose: 'wisata',
  });
}
