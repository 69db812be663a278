// The steps of an M-Paspor user's journey (docs/DOMAIN.md) and the admin calls that set a scenario up.
// Scenarios read as the journey; the HTTP details live here.
import { check } from 'k6';
import type { Target } from './env.ts';
import { json, pause, problemSlug, type Response, request, retryAfterMs, type Surface } from './http.ts';
import {
  codeWait,
  codeWithinSlo,
  quotaExhausted,
  seatsHeld,
  shed,
  shedDuration,
  timeouts,
} from './metrics.ts';

export interface Applicant {
  accountId: string;
  token: string;
  applicantId: string;
  nik: string;
}

export interface Slot {
  officeId: string;
  date: string;
  session: string;
  category: 'REGULER' | 'PERCEPATAN' | 'PRIORITAS';
}

export interface Booking {
  id: string;
  status: string;
  billingCode: string | null;
  payBy: string | null;
  codeIssuedAt: string | null;
  paidAt: string | null;
}

export interface AvailabilityEntry {
  date: string;
  session: string;
  category: string;
  capacity: number;
  taken: number;
  free: number;
  status: string;
}

const admin = (t: Target) => ({ token: t.adminToken });

// ---- set-up (admin API) ----

export interface SeedAnswer {
  accounts: {
    accountId: string;
    email: string;
    token: string;
    applicants: { applicantId: string; nik: string }[];
  }[];
}

/** Seeds `count` activated, logged-in accounts with one applicant each, in batches. */
export async function seedApplicants(t: Target, count: number): Promise<Applicant[]> {
  const applicants = (await seedAccounts(t, count, 1)).flat();
  if (applicants.length < count)
    throw new Error(`seeding returned ${applicants.length} of ${count} applicants`);
  return applicants;
}

/**
 * Seeds `accounts` activated, logged-in accounts with `perAccount` applicants (NIKs) each, in batches:
 * one array of applicants per account. A tout (calo) is one account with many NIKs.
 */
export async function seedAccounts(t: Target, accounts: number, perAccount: number): Promise<Applicant[][]> {
  const seeded: Applicant[][] = [];
  const batch = Math.max(1, Math.floor(250 / perAccount));
  for (let done = 0; done < accounts; done += batch) {
    const res = await request(
      'admin',
      'seed',
      'POST',
      `${t.apiUrl}/admin/seed`,
      {
        accounts: Math.min(batch, accounts - done),
        applicantsPerAccount: perAccount,
      },
      { ...admin(t), timeoutS: 60 },
    );
    const body = json<SeedAnswer>(res);
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`seeding failed: ${res.status} ${res.body}`);
    for (const account of body?.accounts ?? []) {
      seeded.push(
        account.applicants.map((applicant) => ({
          accountId: account.accountId,
          token: account.token,
          ...applicant,
        })),
      );
    }
  }
  if (seeded.length < accounts) throw new Error(`seeding returned ${seeded.length} of ${accounts} accounts`);
  return seeded;
}

interface Office {
  id: string;
  name: string;
  dailyQuota: number;
}

/** The office nearest to Batam, where the scenarios' releases happen. */
export async function pickOffice(t: Target): Promise<Office> {
  const res = await request('api', 'offices', 'GET', `${t.apiUrl}/v1/offices?lat=1.13&lon=104.05`);
  const offices = json<Office[]>(res);
  const office = offices?.[0];
  if (res.status !== 200 || !office) throw new Error(`no office listed: ${res.status} ${res.body}`);
  return office;
}

/** A calendar date `daysAhead` days after today (UTC date; far enough ahead for any time zone). */
export function dateAhead(daysAhead: number): string {
  return new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Opens the quota of one date now (the release event) with every slot's capacity set to `capacity`,
 * and returns the REGULER slots of that date (one per session).
 */
export async function releaseQuota(
  t: Target,
  officeId: string,
  date: string,
  capacity: number,
): Promise<Slot[]> {
  const res = await request(
    'admin',
    'release',
    'POST',
    `${t.apiUrl}/admin/releases`,
    {
      officeId,
      dates: [date],
      capacity,
    },
    admin(t),
  );
  if (res.status >= 300) throw new Error(`release failed: ${res.status} ${res.body}`);
  const entries = await availability(t, officeId, date, 1);
  const slots: Slot[] = entries
    .filter((e) => e.date === date && e.category === 'REGULER')
    .map((e) => ({ officeId, date, session: e.session, category: 'REGULER' }));
  if (slots.length === 0) throw new Error(`release of ${date} opened no REGULER slot`);
  return slots;
}

export async function availability(
  t: Target,
  officeId: string,
  from: string,
  days: number,
): Promise<AvailabilityEntry[]> {
  const res = await request(
    'api',
    'availability',
    'GET',
    `${t.apiUrl}/v1/offices/${officeId}/availability?from=${from}&days=${days}`,
  );
  check(res, { 'availability answers 200': (r) => r.status === 200 });
  return json<AvailabilityEntry[]>(res) ?? [];
}

/** The free seats of one slot as the calendar shows them, or null when the read failed. */
export async function seatsFree(t: Target, slot: Slot): Promise<AvailabilityEntry | null> {
  const entries = await availability(t, slot.officeId, slot.date, 1);
  return entries.find((e) => e.session === slot.session && e.category === slot.category) ?? null;
}

/** Schedules billing and notice faults on the billing simulator (each group with its own window). */
export async function setBillingFaults(t: Target, faults: Record<string, unknown>): Promise<void> {
  const res = await request('admin', 'faults', 'PUT', `${t.billingUrl}/admin/faults`, faults, admin(t));
  if (res.status >= 300) throw new Error(`billing faults refused: ${res.status} ${res.body}`);
}

/**
 * Adds `latencyMs` (plus up to `jitterMs`) to every database statement of the API for the next
 * `forMs` milliseconds (the API's own fault, target-api/api/src/admin/faults.ts).
 */
export async function slowDatabase(
  t: Target,
  latencyMs: number,
  jitterMs: number,
  forMs: number,
): Promise<void> {
  const body = {
    database: { latencyMs, jitterMs },
    startAt: new Date().toISOString(),
    endAt: new Date(Date.now() + forMs).toISOString(),
  };
  const res = await request('admin', 'faults', 'PUT', `${t.apiUrl}/admin/faults`, body, admin(t));
  if (res.status >= 300) throw new Error(`database fault refused: ${res.status} ${res.body}`);
}

/** Clears every fault on both services; used in teardown, so it never throws. */
export async function clearFaults(t: Target): Promise<void> {
  await request('admin', 'faults', 'DELETE', `${t.billingUrl}/admin/faults`, undefined, admin(t));
  await request('admin', 'faults', 'DELETE', `${t.apiUrl}/admin/faults`, undefined, admin(t));
}

/** The target's clock speed (payment-expiry runs on an accelerated clock). */
export async function clockSpeed(t: Target): Promise<number> {
  const res = await request('admin', 'config', 'GET', `${t.apiUrl}/admin/config`, undefined, admin(t));
  const config = json<{ clockSpeed?: number }>(res);
  return config?.clockSpeed ?? 1;
}

// ---- the applicant's journey ----

export interface BookingAttempt {
  res: Response;
  booking: Booking | null;
  outcome: 'held' | 'quota-exhausted' | 'active-booking-exists' | 'shed' | 'error' | 'timeout' | 'rejected';
}

/** What an applicant submits to book a seat in `slot`: a first ordinary 10-year e-passport. */
function bookingBody(who: Applicant, slot: Slot): Record<string, unknown> {
  return {
    applicantId: who.applicantId,
    officeId: slot.officeId,
    date: slot.date,
    session: slot.session,
    category: slot.category,
    passportType: 'E_PASPOR',
    validityYears: 10,
    applicationType: 'BARU',
    purpose: 'WISATA',
  };
}

/** Confirms a slot: one POST /v1/bookings, classified the way the user experiences it. */
export async function book(
  t: Target,
  who: Applicant,
  slot: Slot,
  options: { idempotencyKey?: string; timeoutS?: number; surface?: Surface } = {},
): Promise<BookingAttempt> {
  const headers: Record<string, string> = {};
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  const res = await request(
    options.surface ?? 'api',
    'book',
    'POST',
    `${t.apiUrl}/v1/bookings`,
    bookingBody(who, slot),
    {
      token: who.token,
      headers,
      timeoutS: options.timeoutS,
    },
  );
  check(res, {
    'booking gets an answer': (r) => r.status !== 0,
    'booking never answers 5xx': (r) => r.status < 500,
  });
  if (res.status === 201 || res.status === 202) {
    seatsHeld.add(1);
    return { res, booking: json<Booking>(res), outcome: 'held' };
  }
  if (res.status === 0) {
    timeouts.add(1);
    return { res, booking: null, outcome: 'timeout' };
  }
  // Shedding is a 429, or a 503 that says when to come back; a bare 503 is an error like any 5xx.
  if (res.status === 429 || (res.status === 503 && retryAfterMs(res, -1) >= 0)) {
    shed.add(1);
    shedDuration.add(res.timings.duration);
    return { res, booking: null, outcome: 'shed' };
  }
  if (res.status === 409) {
    const slug = problemSlug(res);
    if (slug === 'quota-exhausted') {
      quotaExhausted.add(1);
      return { res, booking: null, outcome: 'quota-exhausted' };
    }
    if (slug === 'active-booking-exists') return { res, booking: null, outcome: 'active-booking-exists' };
  }
  if (res.status >= 500) return { res, booking: null, outcome: 'error' };
  return { res, booking: null, outcome: 'rejected' };
}

/**
 * Books as a real user does: on an error, a timeout or a shed answer, waits (Retry-After when given)
 * and submits again with the same Idempotency-Key, up to `attempts` times.
 */
export async function bookWithRetries(
  t: Target,
  who: Applicant,
  slot: Slot,
  options: { attempts: number; idempotencyKey: string; timeoutS?: number },
): Promise<BookingAttempt> {
  let attempt = await book(t, who, slot, options);
  for (let tries = 1; tries < options.attempts; tries++) {
    if (attempt.outcome !== 'error' && attempt.outcome !== 'timeout' && attempt.outcome !== 'shed') break;
    await pause(retryAfterMs(attempt.res, 500 + Math.random() * 1000));
    attempt = await book(t, who, slot, options);
  }
  return attempt;
}

export async function getBooking(t: Target, who: Applicant, bookingId: string): Promise<Booking | null> {
  const res = await request(
    'api',
    'booking-status',
    'GET',
    `${t.apiUrl}/v1/bookings/${bookingId}`,
    undefined,
    {
      token: who.token,
    },
  );
  return res.status === 200 ? json<Booking>(res) : null;
}

const CLOSED = new Set(['RELEASED', 'EXPIRED', 'CANCELLED']);

/**
 * Polls the booking until its billing code appears (the screen the user keeps refreshing), records
 * whether that happened within the objective, and returns the booking as last seen.
 */
export async function waitForCode(
  t: Target,
  who: Applicant,
  held: Booking,
  bookedAtMs: number,
  objectiveMs: number,
  pollMs = 500,
): Promise<Booking> {
  let current = held;
  while (!current.billingCode && !CLOSED.has(current.status) && Date.now() - bookedAtMs < objectiveMs) {
    await pause(pollMs);
    current = (await getBooking(t, who, held.id)) ?? current;
  }
  const waited = Date.now() - bookedAtMs;
  const inTime = current.billingCode !== null && waited <= objectiveMs;
  codeWithinSlo.add(inTime);
  if (current.billingCode) codeWait.add(waited);
  return current;
}

/** Pays the bill at the bank (the billing simulator then notifies the API). */
export async function pay(t: Target, billingCode: string, channel = 'ATM'): Promise<Response> {
  const res = await request('bank', 'pay', 'POST', `${t.billingUrl}/v1/bills/${billingCode}/pay`, {
    channel,
  });
  check(res, { 'the bank takes the payment': (r) => r.status === 200 });
  return res;
}

/** Polls the booking until it reaches `status` or `timeoutMs` passes; returns it as last seen. */
export async function waitForStatus(
  t: Target,
  who: Applicant,
  bookingId: string,
  statuses: readonly string[],
  timeoutMs: number,
  pollMs = 500,
): Promise<Booking | null> {
  const until = Date.now() + timeoutMs;
  let current = await getBooking(t, who, bookingId);
  while ((!current || !statuses.includes(current.status)) && Date.now() < until) {
    await pause(pollMs);
    current = (await getBooking(t, who, bookingId)) ?? current;
  }
  return current;
}

// ---- a new user from scratch (smoke) ----

/** A valid NIK: region code, birth date as DDMMYY (women add 40 to the day), a 4-digit serial. */
export function makeNik(dateOfBirth: string, gender: 'M' | 'F', serial: number): string {
  const [year, month, day] = dateOfBirth.split('-');
  const dd = Number(day) + (gender === 'F' ? 40 : 0);
  return `317101${String(dd).padStart(2, '0')}${month}${(year ?? '').slice(2)}${String(serial % 10_000).padStart(4, '0')}`;
}

export interface NewUser extends Applicant {
  email: string;
}

/** The simulated mailbox of `email` (admin, simulation mode): the user reading their e-mail. */
export function readMailbox(t: Target, email: string): Promise<Response> {
  return request(
    'admin',
    'mailbox',
    'GET',
    `${t.apiUrl}/admin/mailbox?email=${encodeURIComponent(email)}`,
    undefined,
    admin(t),
  );
}

/** Registers an account, activates it from the simulated mailbox, logs in and adds one applicant. */
export async function registerUser(t: Target, suffix: string): Promise<NewUser | null> {
  const email = `smoke-${suffix}@example.test`;
  const password = `Paspor-${suffix}-rahasia`;
  const dateOfBirth = '1990-05-12';
  const created = await request('api', 'register', 'POST', `${t.apiUrl}/v1/accounts`, {
    name: 'Siti Rahmawati',
    dateOfBirth,
    gender: 'F',
    email,
    phone: '+6281234567890',
    password,
  });
  const accountId = json<{ accountId: string }>(created)?.accountId;
  if (!check(created, { 'registration answers 201': (r) => r.status === 201 }) || !accountId) return null;

  const mailbox = await readMailbox(t, email);
  const code = activationCode(mailbox.body);
  if (!check(code, { 'the activation code arrives in the mailbox': (c) => c !== null }) || code === null)
    return null;
  const activated = await request('api', 'activate', 'POST', `${t.apiUrl}/v1/accounts/activate`, {
    email,
    code,
  });
  if (!check(activated, { 'activation answers 200': (r) => r.status === 200 })) return null;

  const login = await request('api', 'login', 'POST', `${t.apiUrl}/v1/auth/login`, { email, password });
  const token = json<{ token: string }>(login)?.token;
  if (!check(login, { 'login answers 200 with a token': (r) => r.status === 200 && !!token }) || !token)
    return null;

  const nik = makeNik(dateOfBirth, 'F', Math.floor(Math.random() * 10_000));
  const added = await request(
    'api',
    'add-applicant',
    'POST',
    `${t.apiUrl}/v1/applicants`,
    {
      nik,
      name: 'Siti Rahmawati',
      dateOfBirth,
      gender: 'F',
    },
    { token },
  );
  const applicantId = json<{ applicantId: string }>(added)?.applicantId;
  if (!check(added, { 'adding an applicant answers 201': (r) => r.status === 201 }) || !applicantId)
    return null;
  return { email, accountId, token, applicantId, nik };
}

/** The newest activation code in the mailbox answer, whatever the message layout. */
function activationCode(body: unknown): string | null {
  if (typeof body !== 'string') return null;
  const matches = [...body.matchAll(/"(?:code|activationCode)"\s*:\s*"?([A-Za-z0-9]{4,12})"?/g)];
  const last = matches[matches.length - 1];
  if (last?.[1]) return last[1];
  const digits = body.match(/\b\d{6}\b/g);
  return digits ? (digits[digits.length - 1] ?? null) : null;
}

/**
 * Serves some bookings before the scenario's moment, as a service that has been running for hours
 * has: `count` applicants of their own book a seat on a far date (its own release) and cancel it, five
 * at a time. A freshly started process compiles its booking path during its first requests; without
 * this, the first second of a rush measures the JIT, not the service. The requests are tagged
 * `surface: warm-up`, outside the SLO thresholds (`surface: api`, `step: book`): a cold process may
 * shed its first bookings (503 + Retry-After), and those are retried here, as the point is a warm
 * service, not a measurement.
 */
export async function warmUp(t: Target, officeId: string, count: number): Promise<void> {
  if (count <= 0) return;
  const people = await seedApplicants(t, count);
  const [slot] = await releaseQuota(t, officeId, dateAhead(90), count);
  if (!slot) return;
  const warm = async (method: string, url: string, body: unknown, who: Applicant): Promise<Response> => {
    let res = await request('warm-up', 'warm-up', method, url, body, { token: who.token });
    for (let tries = 1; tries < 5 && res.status === 503; tries++) {
      await pause(retryAfterMs(res, 1000));
      res = await request('warm-up', 'warm-up', method, url, body, { token: who.token });
    }
    return res;
  };
  for (let i = 0; i < people.length; i += 5) {
    await Promise.all(
      people.slice(i, i + 5).map(async (who) => {
        const res = await warm('POST', `${t.apiUrl}/v1/bookings`, bookingBody(who, slot), who);
        const id = json<{ id?: string }>(res)?.id;
        if (id) await warm('POST', `${t.apiUrl}/v1/bookings/${id}/cancel`, undefined, who);
      }),
    );
  }
}

// ---- API-side faults (slow-database, outage-2023) ----

/** Schedules API-side faults (database latency, the identity and document stores) in one window. */
export async function setApiFaults(t: Target, faults: Record<string, unknown>): Promise<void> {
  const res = await request('admin', 'faults', 'PUT', `${t.apiUrl}/admin/faults`, faults, admin(t));
  if (res.status >= 300) throw new Error(`API faults refused: ${res.status} ${res.body}`);
}

// ---- the harness's control route (cli/src/harness/control.ts) ----

/** One restart of the API done by the harness: from the kill to the new process answering ready. */
export interface Restart {
  signal: string;
  killedAt: string;
  readyAt: string;
  gapMs: number;
}

function harnessControl(): { url: string; token: string } {
  const url = __ENV.CONTROL_URL || '';
  if (!url)
    throw new Error(
      'CONTROL_URL is unset: this scenario restarts the API through `paspor-lab run` (its harness)',
    );
  return { url: url.endsWith('/') ? url.slice(0, -1) : url, token: __ENV.CONTROL_TOKEN || '' };
}

/**
 * Asks the harness to kill the API (SIGKILL by default) and start it again; answers once the new process
 * is ready, or null when the harness could not do it. Generous timeout: a PGlite start after a kill
 * recovers its data folder first.
 */
export async function restartApiThroughHarness(signal = 'SIGKILL'): Promise<Restart | null> {
  const control = harnessControl();
  const res = await request(
    'admin',
    'restart-api',
    'POST',
    `${control.url}/restart-api`,
    { signal },
    {
      token: control.token,
      timeoutS: 150,
    },
  );
  check(res, { 'the harness restarted the API': (r) => r.status === 200 });
  return res.status === 200 ? json<Restart>(res) : null;
}

/** The restarts the harness has finished so far ([] while one is under way or none was asked for). */
export async function restartsDone(): Promise<Restart[]> {
  const control = harnessControl();
  const res = await request('admin', 'restarts', 'GET', `${control.url}/restarts`, undefined, {
    token: control.token,
    timeoutS: 10,
  });
  return json<{ restarts: Restart[] }>(res)?.restarts ?? [];
}
