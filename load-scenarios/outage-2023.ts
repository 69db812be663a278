// outage-2023: the multi-day outage of late January - early February 2023, accelerated to seconds. The
// identity store behind login and password reset fails, and so does the document store behind uploads:
// most calls fail at once, the rest hang longer than the app waits. People keep tapping (log in, "lupa
// kata sandi", upload the e-KTP) until it works or they give up and go to the office, where walk-in
// service was opened. Legacy answers a bare 500 or nothing, so the app retries at once and piles taps on
// stores that are down; hardened times out fast and answers 503 with Retry-After and what to do, and the
// app waits as told. Once through, each user books a seat.
//
// The arrivals take turns at three tasks: log in (half of them), reset a forgotten password and then log
// in (a quarter), upload two documents with a session from before the outage (a quarter). Measures: the
// time from a user's first tap to the first answer that tells them something (`first_clear_answer`),
// the taps per login, per reset and per uploader (`login_requests`, `reset_requests`,
// `upload_requests`: the retry amplification), the gap between taps (`retry_gap`), and who gave up
// (`gave_up`); each is tagged with the user's `task`, and judged per task.
import { check } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { knob, seconds, target } from './lib/env.ts';
import { pause, retryAfterMs } from './lib/http.ts';
import {
  book,
  clearFaults,
  dateAhead,
  pickOffice,
  releaseQuota,
  type Slot,
  setApiFaults,
  warmUp,
} from './lib/journey.ts';
import {
  askReset,
  confirmReset,
  type Login,
  logIn,
  resetCode,
  scannedDocument,
  seedLogins,
  type Tap,
  upload,
} from './lib/outage.ts';
import { availability, bookingLatency, merge, summaryTrendStats } from './lib/slo.ts';

const t = target();
const rate = knob('RATE', 2, 4);
const arrivalS = knob('ARRIVAL_S', 90, 5);
/** How long the stores are down, from the first arrival. */
const outageS = knob('OUTAGE_S', 60, 7);
/** Share of the stores' calls that fail at once; the rest hang for HANG_MS. */
const errorRate = knob('STORE_ERROR_RATE', 0.9);
const hangMs = knob('HANG_MS', 30_000, 10_000);
/** How long the app waits for an answer before it gives up on a tap. */
const appTimeoutS = knob('APP_TIMEOUT_S', 10, 4);
/** The app's own retry after a failure that says nothing: at once (a short tap-again delay). */
const tapAgainMs = knob('TAP_AGAIN_MS', 300);
/** How long a person keeps trying before going to the office instead. */
const patienceS = knob('PATIENCE_S', 180, 20);
/** The size of one scanned document (KiB). */
const documentKb = knob('DOCUMENT_KB', 300, 100);
/** The SLO of this scenario: every user hears something useful within this many ms (p95). */
const clearWithinMs = knob('CLEAR_ANSWER_MS', 2000);
/**
 * Retry amplification: the taps a login may take on average. An app that waits as told taps once per
 * Retry-After (3 s) through the outage, plus the tap that gets through: 7 s / 3 s + 1 in short mode,
 * 60 / 3 + 1. A reset (the code, then the new password) and an upload (two documents) are two steps,
 * the second after the outage, so one tap more.
 */
const maxTaps = knob('MAX_TAPS', 22, 4.5);

type Task = 'login' | 'reset' | 'upload';
/** The arrivals' tasks, in turn. */
const TASKS: readonly Task[] = ['login', 'reset', 'login', 'upload'];
/** The documents an uploader sends (target-api's documents/domain/documents.ts names the kinds). */
const DOCUMENTS = ['e-ktp', 'kartu-keluarga'] as const;

const firstClear = new Trend('first_clear_answer', true);
const retryGap = new Trend('retry_gap', true);
const loginTaps = new Trend('login_requests');
const resetTaps = new Trend('reset_requests');
const uploadTaps = new Trend('upload_requests');
const taskTime = new Trend('task_duration', true);
const gaveUp = new Rate('gave_up');

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '60s',
  scenarios: {
    users: {
      executor: 'constant-arrival-rate',
      exec: 'user',
      rate,
      timeUnit: '1s',
      duration: seconds(arrivalS),
      preAllocatedVUs: rate * 4,
      maxVUs: rate * (patienceS + appTimeoutS + 5),
      gracefulStop: seconds(patienceS + appTimeoutS + 5),
    },
  },
  // Login, reset and uploads are `surface: identity` and `surface: documents` (their failure is the
  // premise, judged by the measures below); what users do once through (booking) is `surface: api`, and
  // the rest of the service must stay available and fast.
  thresholds: merge(availability, bookingLatency, {
    'first_clear_answer{task:login}': [`p(95)<${clearWithinMs}`],
    'first_clear_answer{task:reset}': [`p(95)<${clearWithinMs}`],
    'first_clear_answer{task:upload}': [`p(95)<${clearWithinMs}`],
    'login_requests{task:login}': [`avg<=${maxTaps}`],
    reset_requests: [`avg<=${maxTaps + 1}`],
    upload_requests: [`avg<=${maxTaps + 1}`],
  }),
};

interface Data {
  logins: Login[];
  slot: Slot;
  document: string;
}

export async function setup(): Promise<Data> {
  // Seeded accounts share the API's SEED_PASSWORD, and each comes with a session (for the uploaders).
  const logins = await seedLogins(t, Math.ceil(rate * arrivalS * 1.1) + 5, 'paspor-lab-seed');
  const office = await pickOffice(t);
  await warmUp(t, office.id, 20);
  const [slot] = await releaseQuota(t, office.id, dateAhead(60), logins.length * 2);
  if (!slot) throw new Error('the release opened no slot');
  const now = Date.now();
  const store = { latencyMs: hangMs, errorRate };
  await setApiFaults(t, {
    identity: store,
    documents: store,
    startAt: new Date(now).toISOString(),
    endAt: new Date(now + outageS * 1000).toISOString(),
  });
  return { logins, slot, document: scannedDocument(documentKb) };
}

/** What one user has heard so far: the moment of the first answer that told them something. */
interface Heard {
  task: Task;
  clearAt: number | null;
}

interface Persisted {
  /** The tap that got through, or null when the user gave up or was refused. */
  done: Tap | null;
  taps: number;
}

/**
 * Taps until the step is done or the user's patience runs out: told when to come back (Retry-After), the
 * user waits that long; told nothing (a bare 500, or no answer), taps again at once. A refusal that
 * says why (any other 4xx) ends the step: tapping again would not change it.
 */
async function persist(heard: Heard, deadline: number, tap: () => Promise<Tap>): Promise<Persisted> {
  let taps = 0;
  let last = 0;
  while (Date.now() < deadline) {
    if (taps > 0) retryGap.add(Date.now() - last, { task: heard.task });
    last = Date.now();
    taps++;
    const attempt = await tap();
    if (attempt.clear && heard.clearAt === null) heard.clearAt = Date.now();
    if (attempt.done) return { done: attempt, taps };
    const status = attempt.res.status;
    if (status >= 400 && status < 500 && status !== 429) break;
    await pause(attempt.clear ? retryAfterMs(attempt.res, tapAgainMs) : tapAgainMs);
  }
  return { done: null, taps };
}

async function logInUntil(heard: Heard, deadline: number, login: Login): Promise<Login | null> {
  const { done, taps } = await persist(heard, deadline, () => logIn(t, login, appTimeoutS));
  loginTaps.add(taps, { task: heard.task });
  const token = (done as { token?: string } | null)?.token;
  return token ? { ...login, token } : null;
}

/** "Lupa kata sandi": the code to the e-mail, a new password with it, then log in with that. */
async function resetThenLogIn(heard: Heard, deadline: number, login: Login): Promise<Login | null> {
  const newPassword = `Baru-${login.applicantId.slice(0, 8)}-2023`;
  const asked = await persist(heard, deadline, () => askReset(t, login.email, appTimeoutS));
  const code = asked.done ? await resetCode(t, login.email) : null;
  const confirmed = code
    ? await persist(heard, deadline, () => confirmReset(t, login.email, code, newPassword, appTimeoutS))
    : { done: null, taps: 0 };
  resetTaps.add(asked.taps + confirmed.taps, { task: heard.task });
  return confirmed.done ? logInUntil(heard, deadline, { ...login, password: newPassword }) : null;
}

/** Uploads each document with the session from before the outage. */
async function uploadAll(
  heard: Heard,
  deadline: number,
  login: Login,
  document: string,
): Promise<Login | null> {
  let taps = 0;
  let through: Login | null = login;
  for (const kind of DOCUMENTS) {
    const stored = await persist(heard, deadline, () => upload(t, login, kind, document, appTimeoutS));
    taps += stored.taps;
    if (!stored.done) {
      through = null;
      break;
    }
  }
  uploadTaps.add(taps, { task: heard.task });
  return through;
}

export async function user(data: Data): Promise<void> {
  const index = exec.scenario.iterationInTest;
  const login = data.logins[index];
  if (!login) return;
  const task = TASKS[index % TASKS.length] ?? 'login';
  const started = Date.now();
  const deadline = started + patienceS * 1000;
  const heard: Heard = { task, clearAt: null };
  const through =
    task === 'upload'
      ? await uploadAll(heard, deadline, login, data.document)
      : task === 'reset'
        ? await resetThenLogIn(heard, deadline, login)
        : await logInUntil(heard, deadline, login);
  firstClear.add((heard.clearAt ?? Date.now()) - started, { task });
  // Gave up: goes to the office instead (the walk-in service opened during the outage).
  gaveUp.add(through === null, { task });
  if (through === null) return;
  taskTime.add(Date.now() - started, { task });
  const who = { accountId: '', token: through.token, applicantId: login.applicantId, nik: '' };
  const booked = await book(t, who, data.slot, { idempotencyKey: `outage-${login.applicantId}` });
  check(booked, { 'once through, booking works': (b) => b.outcome === 'held' });
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
