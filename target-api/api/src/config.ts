// The API's whole configuration as one typed object, read once from the environment (and flags in
// main.ts) and validated against one schema (ApiEnvSchema), from which target-api/README.md's table
// is generated (`node target-api/scripts/config-tables.ts`).
import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import { ConfigError, Env, readEnv } from '../../shared/config.ts';
import { IDENTITY_TIMEOUT_MS } from './defects/identity-fragile.ts';
import {
  activeDefects,
  type DefectId,
  type DefectSet,
  PROFILES,
  type Profile,
  parseDefectList,
  parseProfile,
} from './defects/ids.ts';
import { DOCUMENT_TIMEOUT_MS } from './defects/upload-fragile.ts';

export interface ApiConfig {
  host: string;
  port: number;
  profile: Profile;
  defects: DefectSet;
  /** PostgreSQL when set; PGlite otherwise. */
  databaseUrl: string | undefined;
  /** PGlite data folder; in memory when undefined. */
  pgliteDataDir: string | undefined;
  documentDir: string | undefined;
  dbPoolSize: number;
  billingUrl: string;
  noticeSecret: string;
  tokenSecret: string;
  proofSecret: string;
  adminToken: string;
  /** True when ADMIN_TOKEN was not given and one was generated (main.ts prints it). */
  adminTokenGenerated: boolean;
  tokenTtlSeconds: number;
  clockSpeed: number;
  /** Real epoch ms at which simulated time equals real time; processes sharing it agree on the time. */
  clockEpochMs: number | undefined;
  /** Simulated minutes an applicant has to pay after the code is issued (2 h). */
  paymentWindowMinutes: number;
  /** Real seconds after which an unissued hold is released (hardened). */
  issuanceDeadlineSeconds: number;
  /** Real seconds of the payment-code objective, used by invariant 3. */
  issuanceObjectiveSeconds: number;
  billingTimeoutMs: number;
  billingInlineTimeoutMs: number;
  outboxIntervalMs: number;
  sweepIntervalMs: number;
  /** How often the service re-checks its invariants on its own (0: only when /admin/invariants is read). */
  invariantCheckMs: number;
  releaseIntervalMs: number;
  releaseInitialDays: number;
  applicantLimit: number;
  maxActiveHoldsPerAccount: number;
  bookingWritesAtOncePerAccount: number;
  maxActiveHoldsPerNik: number;
  bookingRateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  identityTimeoutMs: number;
  documentTimeoutMs: number;
  documentMaxBytes: number;
  admissionMaxInFlight: number;
  admissionMaxQueueDelayMs: number;
  admissionMaxDatabaseTimeMs: number;
  admissionMaxEventLoopDelayMs: number;
  admissionRetryAfterSeconds: number;
  availabilityCacheMs: number;
  /** Real ms the legacy booking flow waits on its document check (the quota-race window). */
  legacyDocumentCheckMs: number;
  simulation: boolean;
  logLevel: string;
  /** Background loops (outbox, sweeper, releases); tests switch them off and drive them by hand. */
  backgroundJobs: boolean;
}

export { ConfigError };

type Environment = Record<string, string | undefined>;

/** The booking API's environment: every variable, its type, bounds, default and meaning. */
export const ApiEnvSchema = Type.Object({
  HOST: Env.string({ default: '127.0.0.1', description: 'interface to listen on' }),
  PORT: Env.integer({ default: 8080, minimum: 0, maximum: 65535, description: 'port to listen on' }),
  PROFILE: Env.oneOf(PROFILES, {
    default: 'hardened',
    description: '`legacy` (every defect of the catalogue) or `hardened` (none)',
  }),
  DEFECTS: Env.string({
    emptyIsValue: true,
    defaultText: "the profile's set",
    description:
      "comma list of defects to switch on, replacing the profile's set (`quota-race,billing-fragile`)",
  }),
  DATABASE_URL: Env.string({
    defaultText: 'unset: PGlite',
    description: 'PostgreSQL connection string; unset means embedded PGlite',
  }),
  PGLITE_DATA_DIR: Env.string({
    defaultText: 'unset: in memory',
    description: 'PGlite data folder (persistent)',
  }),
  DOCUMENT_DIR: Env.string({
    defaultText: 'unset: a new folder under the system temp folder, removed when the API stops',
    description: "the document store's folder: uploaded files, each named by its SHA-256",
  }),
  DB_POOL_SIZE: Env.integer({ default: 10, minimum: 1, description: 'PostgreSQL pool size' }),
  BILLING_URL: Env.url({ default: 'http://127.0.0.1:8081', description: 'billing simulator base URL' }),
  NOTICE_SECRET: Env.string({
    default: 'paspor-lab-dev-notice-secret',
    description: 'HMAC key of payment notices, shared with the simulator',
  }),
  ADMIN_TOKEN: Env.string({
    defaultText: 'generated and printed',
    description: 'bearer token of `/admin` routes',
  }),
  TOKEN_SECRET: Env.string({
    defaultText: 'random per process',
    description: "HMAC key of applicants' bearer tokens (set it so tokens survive a restart)",
  }),
  PROOF_SECRET: Env.string({
    defaultText: 'derived from `TOKEN_SECRET`',
    description: 'HMAC key of the QR proof',
  }),
  TOKEN_TTL_SECONDS: Env.integer({ default: 12 * 3600, minimum: 1, description: 'bearer token lifetime' }),
  CLOCK_SPEED: Env.positive({
    default: 1,
    description: 'simulated time speed (`720` turns the 2-hour payment window into 10 s)',
  }),
  CLOCK_EPOCH: Env.integer({
    minimum: 0,
    defaultText: 'start of this process',
    example: '1767225600000',
    description:
      'real epoch ms at which simulated = real time (`npm run serve` gives both services the same)',
  }),
  PAYMENT_WINDOW_MINUTES: Env.positive({
    default: 120,
    description: 'simulated minutes from code issue to `payBy`',
  }),
  ISSUANCE_DEADLINE_SECONDS: Env.positive({
    default: 20,
    description: 'hardened: a hold whose code is not issued by then is RELEASED',
  }),
  ISSUANCE_OBJECTIVE_SECONDS: Env.positive({
    default: 30,
    description: 'payment-code objective that invariant `booking-without-code` checks',
  }),
  BILLING_TIMEOUT_MS: Env.integer({
    default: 2000,
    minimum: 1,
    description: 'hardened: timeout of one outbox billing call',
  }),
  BILLING_INLINE_TIMEOUT_MS: Env.integer({
    default: 800,
    minimum: 1,
    description: 'hardened: timeout of the inline attempt before answering 202',
  }),
  OUTBOX_INTERVAL_MS: Env.integer({
    default: 250,
    minimum: 10,
    description: 'how often the issuance outbox looks for due holds',
  }),
  SWEEP_INTERVAL_MS: Env.integer({
    default: 1000,
    minimum: 10,
    description: 'how often the expiry sweeper runs',
  }),
  INVARIANT_CHECK_MS: Env.integer({
    default: 2000,
    minimum: 0,
    description:
      'how often the API re-checks its invariants for the mpaspor_invariant_violations gauge (0 = never)',
  }),
  RELEASE_INTERVAL_MS: Env.integer({
    default: 1000,
    minimum: 10,
    description: 'how often scheduled quota releases are checked',
  }),
  RELEASE_INITIAL_DAYS: Env.integer({
    default: 14,
    minimum: 0,
    description: 'at start, open this many days ahead for every office (0: none)',
  }),
  APPLICANT_LIMIT: Env.integer({
    default: 5,
    minimum: 1,
    description: 'applicants per account (not enforced under `quota-hoarding`)',
  }),
  MAX_ACTIVE_HOLDS_PER_ACCOUNT: Env.integer({
    default: 5,
    minimum: 1,
    description: 'hardened: active bookings per account',
  }),
  MAX_ACTIVE_HOLDS_PER_NIK: Env.integer({
    default: 1,
    minimum: 1,
    description: 'hardened: active bookings per NIK',
  }),
  BOOKING_WRITES_AT_ONCE_PER_ACCOUNT: Env.integer({
    default: 1,
    minimum: 1,
    description:
      'hardened: new bookings one account may have in flight at once in this process; the next gets 429 with `Retry-After` (a retry with the same `Idempotency-Key` is let through)',
  }),
  BOOKING_RATE_LIMIT_PER_MINUTE: Env.integer({
    default: 30,
    minimum: 1,
    description:
      'hardened: booking attempts per account per minute; past it a retry (same `Idempotency-Key` and body) still gets its first answer',
  }),
  IDENTITY_TIMEOUT_MS: Env.integer({
    default: IDENTITY_TIMEOUT_MS,
    minimum: 1,
    description:
      'hardened: a login or password reset gives up on the identity store after this long and answers 503 with `Retry-After` (identity-fragile)',
  }),
  DOCUMENT_TIMEOUT_MS: Env.integer({
    default: DOCUMENT_TIMEOUT_MS,
    minimum: 1,
    description:
      'hardened: an upload gives up on the document store after this long and answers 503 with `Retry-After` (upload-fragile)',
  }),
  DOCUMENT_MAX_BYTES: Env.integer({
    default: 2 * 1024 * 1024,
    minimum: 1024,
    maximum: 20 * 1024 * 1024,
    description: 'the largest document an upload may carry (bytes); a larger one is refused with 413',
  }),
  LOGIN_RATE_LIMIT_PER_MINUTE: Env.integer({
    default: 10,
    minimum: 1,
    description: '`hardened` profile: login attempts per e-mail and address per minute',
  }),
  ADMISSION_MAX_IN_FLIGHT: Env.integer({
    minimum: 1,
    defaultText: '`64` (PGlite), 2 x `DB_POOL_SIZE` (PostgreSQL)',
    example: '64',
    description:
      'hardened: booking writes (book, reschedule) in flight before the next is shed with 503 `overloaded` (the backstop of the two signals below)',
  }),
  ADMISSION_MAX_QUEUE_DELAY_MS: Env.integer({
    minimum: 1,
    defaultText: '`50` (PGlite), `20` (PostgreSQL)',
    example: '20',
    description:
      "hardened: booking writes are shed while the database has a standing queue: the shortest wait for a connection in the last 100 ms exceeded this (CoDel's signal)",
  }),
  ADMISSION_MAX_DATABASE_TIME_MS: Env.integer({
    default: 100,
    minimum: 1,
    description:
      'hardened: booking writes are shed while a unit of database work started now can expect to take longer than this, wait and hold (the units queued before it, over the connections, and on PGlite the one in service, and itself, times their recent mean hold of a connection)',
  }),
  ADMISSION_MAX_EVENT_LOOP_DELAY_MS: Env.integer({
    default: 50,
    minimum: 1,
    description:
      'hardened: booking writes are shed while the median lateness of a 20 ms timer over the last 5 ticks exceeds this',
  }),
  ADMISSION_RETRY_AFTER_SECONDS: Env.integer({
    default: 1,
    minimum: 1,
    description: 'hardened: `Retry-After` of a shed answer',
  }),
  AVAILABILITY_CACHE_MS: Env.integer({
    default: 1000,
    minimum: 0,
    description: 'hardened: availability answers cached this long (0: off)',
  }),
  LEGACY_DOCUMENT_CHECK_MS: Env.integer({
    default: 20,
    minimum: 0,
    description: "`quota-race`: the legacy flow's wait between reading quota and writing the booking",
  }),
  SIMULATION: Env.boolean({
    default: true,
    description: 'simulation mode: activation e-mails go to `GET /admin/mailbox`',
  }),
  BACKGROUND_JOBS: Env.boolean({
    default: true,
    description: 'run the outbox, sweeper and release loops (tests drive them by hand)',
  }),
  LOG_LEVEL: Env.string({ default: 'info', description: 'pino level' }),
});

export interface ConfigOverrides {
  profile?: string;
  defects?: string;
  port?: number;
}

/** Reads the configuration; flags (overrides) win over the environment. */
export function loadConfig(env: Environment = process.env, overrides: ConfigOverrides = {}): ApiConfig {
  const v = readEnv(ApiEnvSchema, env);
  const profile = parseProfile(overrides.profile ?? v.PROFILE);
  const defectList = overrides.defects ?? v.DEFECTS;
  const explicit: DefectId[] | undefined = defectList !== undefined ? parseDefectList(defectList) : undefined;
  const tokenSecret = v.TOKEN_SECRET ?? randomBytes(32).toString('hex');
  const port = overrides.port ?? v.PORT;
  if (port > 65535) throw new ConfigError(`port ${port} is out of range; use 0-65535`);
  // The in-flight cap is the backstop; the standing-queue and event-loop signals shed first. PGlite: one
  // connection on the event loop, 64 booking writes bound memory and the wait behind a stuck statement.
  // PostgreSQL works beside the process; its pool keeps about two bookings per connection busy without
  // queueing (2 x pool, measured with `breakpoint --short` on this 2-core machine).
  const admissionDefault = v.DATABASE_URL ? v.DB_POOL_SIZE * 2 : 64;
  // On PGlite every unit of work first waits a turn of the event loop (storage/pglite.ts), so CPU
  // contention alone lengthens the one connection's queue: quota-hoarding --short beside a CPU-bound
  // process shed ordinary applicants at 20 ms in 1 run of 3 (11 writes), at 50 ms in none of 4 (3 Dec).
  const queueDelayDefault = v.DATABASE_URL ? 20 : 50;
  return {
    host: v.HOST,
    port,
    profile,
    defects: activeDefects(profile, explicit),
    databaseUrl: v.DATABASE_URL,
    pgliteDataDir: v.PGLITE_DATA_DIR,
    documentDir: v.DOCUMENT_DIR,
    dbPoolSize: v.DB_POOL_SIZE,
    billingUrl: v.BILLING_URL,
    noticeSecret: v.NOTICE_SECRET,
    tokenSecret,
    proofSecret: v.PROOF_SECRET ?? `${tokenSecret}:proof`,
    adminToken: v.ADMIN_TOKEN ?? randomBytes(18).toString('base64url'),
    adminTokenGenerated: v.ADMIN_TOKEN === undefined,
    tokenTtlSeconds: v.TOKEN_TTL_SECONDS,
    clockSpeed: v.CLOCK_SPEED,
    clockEpochMs: v.CLOCK_EPOCH,
    paymentWindowMinutes: v.PAYMENT_WINDOW_MINUTES,
    issuanceDeadlineSeconds: v.ISSUANCE_DEADLINE_SECONDS,
    issuanceObjectiveSeconds: v.ISSUANCE_OBJECTIVE_SECONDS,
    billingTimeoutMs: v.BILLING_TIMEOUT_MS,
    billingInlineTimeoutMs: v.BILLING_INLINE_TIMEOUT_MS,
    outboxIntervalMs: v.OUTBOX_INTERVAL_MS,
    sweepIntervalMs: v.SWEEP_INTERVAL_MS,
    invariantCheckMs: v.INVARIANT_CHECK_MS,
    releaseIntervalMs: v.RELEASE_INTERVAL_MS,
    releaseInitialDays: v.RELEASE_INITIAL_DAYS,
    applicantLimit: v.APPLICANT_LIMIT,
    maxActiveHoldsPerAccount: v.MAX_ACTIVE_HOLDS_PER_ACCOUNT,
    bookingWritesAtOncePerAccount: v.BOOKING_WRITES_AT_ONCE_PER_ACCOUNT,
    maxActiveHoldsPerNik: v.MAX_ACTIVE_HOLDS_PER_NIK,
    bookingRateLimitPerMinute: v.BOOKING_RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerMinute: v.LOGIN_RATE_LIMIT_PER_MINUTE,
    identityTimeoutMs: v.IDENTITY_TIMEOUT_MS,
    documentTimeoutMs: v.DOCUMENT_TIMEOUT_MS,
    documentMaxBytes: v.DOCUMENT_MAX_BYTES,
    admissionMaxInFlight: v.ADMISSION_MAX_IN_FLIGHT ?? admissionDefault,
    admissionMaxQueueDelayMs: v.ADMISSION_MAX_QUEUE_DELAY_MS ?? queueDelayDefault,
    admissionMaxDatabaseTimeMs: v.ADMISSION_MAX_DATABASE_TIME_MS,
    admissionMaxEventLoopDelayMs: v.ADMISSION_MAX_EVENT_LOOP_DELAY_MS,
    admissionRetryAfterSeconds: v.ADMISSION_RETRY_AFTER_SECONDS,
    availabilityCacheMs: v.AVAILABILITY_CACHE_MS,
    legacyDocumentCheckMs: v.LEGACY_DOCUMENT_CHECK_MS,
    simulation: v.SIMULATION,
    logLevel: v.LOG_LEVEL,
    backgroundJobs: v.BACKGROUND_JOBS,
  };
}
