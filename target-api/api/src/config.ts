// The API's whole configuration as one typed object, read once from the environment (and flags in
// main.ts) and validated. Every variable, its default and meaning is in target-api/README.md.
import { randomBytes } from 'node:crypto';
import {
  activeDefects,
  type DefectId,
  type DefectSet,
  type Profile,
  parseDefectList,
  parseProfile,
} from './defects.ts';

export interface ApiConfig {
  host: string;
  port: number;
  profile: Profile;
  defects: DefectSet;
  /** PostgreSQL when set; PGlite otherwise. */
  databaseUrl: string | undefined;
  /** PGlite data folder; in memory when undefined. */
  pgliteDataDir: string | undefined;
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
  maxActiveHoldsPerNik: number;
  bookingRateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  admissionMaxInFlight: number;
  admissionMaxQueueDelayMs: number;
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

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new ConfigError(
      `${name}="${raw}" is not an integer >= ${min}; set it to a whole number such as ${fallback}`,
    );
  }
  return Number(raw);
}

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name}="${raw}" is not a positive number; for example ${name}=${fallback}`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name}="${raw}" is not a boolean; use true or false`);
}

export interface ConfigOverrides {
  profile?: string;
  defects?: string;
  port?: number;
}

/** Reads the configuration; flags (overrides) win over the environment. */
export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): ApiConfig {
  const profile = parseProfile(overrides.profile ?? env.PROFILE ?? 'hardened');
  const defectList = overrides.defects ?? env.DEFECTS;
  const explicit: DefectId[] | undefined = defectList !== undefined ? parseDefectList(defectList) : undefined;
  const tokenSecret = env.TOKEN_SECRET || randomBytes(32).toString('hex');
  const adminToken = env.ADMIN_TOKEN || randomBytes(18).toString('base64url');
  const port = overrides.port ?? integer(env, 'PORT', 8080);
  if (port > 65535) throw new ConfigError(`port ${port} is out of range; use 0-65535`);
  const billingUrl = env.BILLING_URL || 'http://127.0.0.1:8081';
  const databaseUrl = env.DATABASE_URL || undefined;
  const dbPoolSize = integer(env, 'DB_POOL_SIZE', 10, 1);
  // The in-flight cap is the backstop; the standing-queue and event-loop signals shed first. PGlite: one
  // connection on the event loop, 64 booking writes bound memory and the wait behind a stuck statement.
  // PostgreSQL works beside the process; its pool keeps about two bookings per connection busy without
  // queueing (2 x pool, measured with `breakpoint --short` on this 2-core machine).
  const admissionDefault = databaseUrl ? dbPoolSize * 2 : 64;
  try {
    new URL(billingUrl);
  } catch {
    throw new ConfigError(`BILLING_URL="${billingUrl}" is not a URL; for example http://127.0.0.1:8081`);
  }
  return {
    host: env.HOST || '127.0.0.1',
    port,
    profile,
    defects: activeDefects(profile, explicit),
    databaseUrl,
    pgliteDataDir: env.PGLITE_DATA_DIR || undefined,
    dbPoolSize,
    billingUrl,
    noticeSecret: env.NOTICE_SECRET || 'paspor-lab-dev-notice-secret',
    tokenSecret,
    proofSecret: env.PROOF_SECRET || `${tokenSecret}:proof`,
    adminToken,
    adminTokenGenerated: !env.ADMIN_TOKEN,
    tokenTtlSeconds: integer(env, 'TOKEN_TTL_SECONDS', 12 * 3600, 1),
    clockSpeed: positive(env, 'CLOCK_SPEED', 1),
    clockEpochMs: env.CLOCK_EPOCH ? integer(env, 'CLOCK_EPOCH', 0) : undefined,
    paymentWindowMinutes: positive(env, 'PAYMENT_WINDOW_MINUTES', 120),
    issuanceDeadlineSeconds: positive(env, 'ISSUANCE_DEADLINE_SECONDS', 20),
    issuanceObjectiveSeconds: positive(env, 'ISSUANCE_OBJECTIVE_SECONDS', 30),
    billingTimeoutMs: integer(env, 'BILLING_TIMEOUT_MS', 2000, 1),
    billingInlineTimeoutMs: integer(env, 'BILLING_INLINE_TIMEOUT_MS', 800, 1),
    outboxIntervalMs: integer(env, 'OUTBOX_INTERVAL_MS', 250, 10),
    sweepIntervalMs: integer(env, 'SWEEP_INTERVAL_MS', 1000, 10),
    invariantCheckMs: integer(env, 'INVARIANT_CHECK_MS', 2000, 0),
    releaseIntervalMs: integer(env, 'RELEASE_INTERVAL_MS', 1000, 10),
    releaseInitialDays: integer(env, 'RELEASE_INITIAL_DAYS', 14),
    applicantLimit: integer(env, 'APPLICANT_LIMIT', 5, 1),
    maxActiveHoldsPerAccount: integer(env, 'MAX_ACTIVE_HOLDS_PER_ACCOUNT', 5, 1),
    maxActiveHoldsPerNik: integer(env, 'MAX_ACTIVE_HOLDS_PER_NIK', 1, 1),
    bookingRateLimitPerMinute: integer(env, 'BOOKING_RATE_LIMIT_PER_MINUTE', 30, 1),
    loginRateLimitPerMinute: integer(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1),
    admissionMaxInFlight: integer(env, 'ADMISSION_MAX_IN_FLIGHT', admissionDefault, 1),
    admissionMaxQueueDelayMs: integer(env, 'ADMISSION_MAX_QUEUE_DELAY_MS', 20, 1),
    admissionMaxEventLoopDelayMs: integer(env, 'ADMISSION_MAX_EVENT_LOOP_DELAY_MS', 50, 1),
    admissionRetryAfterSeconds: integer(env, 'ADMISSION_RETRY_AFTER_SECONDS', 1, 1),
    availabilityCacheMs: integer(env, 'AVAILABILITY_CACHE_MS', 1000),
    legacyDocumentCheckMs: integer(env, 'LEGACY_DOCUMENT_CHECK_MS', 20),
    simulation: bool(env, 'SIMULATION', true),
    logLevel: env.LOG_LEVEL || 'info',
    backgroundJobs: bool(env, 'BACKGROUND_JOBS', true),
  };
}
