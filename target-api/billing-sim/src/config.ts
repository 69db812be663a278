// The billing simulator's configuration: one typed object, read once from the environment (and the
// --port flag in main.ts) and validated against one schema (SimEnvSchema), from which
// target-api/README.md's table is generated (`node target-api/scripts/config-tables.ts`).
import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import { type Clock, createClock } from '../../shared/clock.ts';
import { ConfigError, Env, readEnv } from '../../shared/config.ts';
import type { NoticeDeliveryConfig } from './notices/sender.ts';

export interface BillingSimConfig {
  /** Base URL of the API that receives payment notices. */
  apiUrl: string;
  noticeSecret: string;
  adminToken: string;
  /** Simulated time, for `paidAt` and `createdAt`, shared in speed with the API. */
  clock: Clock;
  /** Real wall-clock ms, for fault windows (a scenario schedules them in real time). */
  now: () => number;
  /** A number in [0, 1): fault dice and the reorder shuffle. */
  random: () => number;
  notices: Omit<NoticeDeliveryConfig, 'apiUrl' | 'secret'>;
  maxHangMs: number;
  /** Pino level, or false for no logs (unit tests). */
  logLevel: string | false;
}

export interface MainConfig extends BillingSimConfig {
  host: string;
  port: number;
  adminTokenGenerated: boolean;
}

export { ConfigError };

export const DEFAULT_NOTICE_DELIVERY: BillingSimConfig['notices'] = {
  maxAttempts: 8,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  attemptTimeoutMs: 5_000,
  reorderWindowMs: 1_000,
};

/** A complete configuration for tests and embedding: only the three shared values are required. */
export function simConfig(
  base: Pick<BillingSimConfig, 'apiUrl' | 'noticeSecret' | 'adminToken'> & Partial<BillingSimConfig>,
): BillingSimConfig {
  return {
    clock: createClock(),
    now: Date.now,
    random: Math.random,
    maxHangMs: 120_000,
    logLevel: false,
    ...base,
    notices: { ...DEFAULT_NOTICE_DELIVERY, ...base.notices },
  };
}

type Environment = Record<string, string | undefined>;

/** The billing simulator's environment: every variable, its type, bounds, default and meaning. */
export const SimEnvSchema = Type.Object({
  HOST: Env.string({ default: '127.0.0.1', description: 'interface to listen on' }),
  PORT: Env.integer({ default: 8081, minimum: 0, maximum: 65535, description: 'port to listen on' }),
  API_URL: Env.url({ default: 'http://127.0.0.1:8080', description: 'where payment notices are POSTed' }),
  NOTICE_SECRET: Env.string({
    default: 'paspor-lab-dev-notice-secret',
    description: 'HMAC key shared with the API',
  }),
  ADMIN_TOKEN: Env.string({
    defaultText: 'generated and printed',
    description: 'bearer token of `/admin` routes',
  }),
  CLOCK_SPEED: Env.positive({
    default: 1,
    example: '720',
    description: 'simulated time runs this many times faster',
  }),
  CLOCK_EPOCH: Env.integer({
    minimum: 0,
    defaultText: 'start of this process',
    example: '1767225600000',
    description: 'real epoch ms at which simulated = real time',
  }),
  NOTICE_MAX_ATTEMPTS: Env.integer({
    default: DEFAULT_NOTICE_DELIVERY.maxAttempts,
    minimum: 1,
    description: 'delivery attempts per notice, the first included',
  }),
  NOTICE_INITIAL_DELAY_MS: Env.integer({
    default: DEFAULT_NOTICE_DELIVERY.initialDelayMs,
    minimum: 1,
    description: 'first retry delay (then exponential, jittered)',
  }),
  NOTICE_MAX_DELAY_MS: Env.integer({
    default: DEFAULT_NOTICE_DELIVERY.maxDelayMs,
    minimum: 1,
    description: 'longest retry delay',
  }),
  NOTICE_ATTEMPT_TIMEOUT_MS: Env.integer({
    default: DEFAULT_NOTICE_DELIVERY.attemptTimeoutMs,
    minimum: 1,
    description: 'one delivery attempt gives up after this',
  }),
  NOTICE_REORDER_WINDOW_MS: Env.integer({
    default: DEFAULT_NOTICE_DELIVERY.reorderWindowMs,
    minimum: 1,
    description: 'held notices are released this often (reorder)',
  }),
  MAX_HANG_MS: Env.integer({
    default: 120_000,
    minimum: 1,
    description: 'a "timeout" fault answers 504 after this at most',
  }),
  LOG_LEVEL: Env.string({ default: 'info', description: 'pino level' }),
});

/**
 * Simulated time = epoch + (real now - epoch) x speed. Every process started with the same CLOCK_EPOCH
 * agrees on simulated time, whenever it started.
 */
function clockOf(speed: number, epochMs: number | undefined): Clock {
  const realStart = Date.now();
  const epoch = epochMs ?? realStart;
  return createClock({ speed, origin: epoch + Math.floor((realStart - epoch) * speed) });
}

export function loadConfig(env: Environment = process.env, overrides: { port?: number } = {}): MainConfig {
  const v = readEnv(SimEnvSchema, env);
  const port = overrides.port ?? v.PORT;
  if (port > 65535) throw new ConfigError(`port ${port} is out of range; use 0-65535`);
  return {
    ...simConfig({
      apiUrl: v.API_URL,
      noticeSecret: v.NOTICE_SECRET,
      adminToken: v.ADMIN_TOKEN ?? randomBytes(18).toString('base64url'),
      clock: clockOf(v.CLOCK_SPEED, v.CLOCK_EPOCH),
      maxHangMs: v.MAX_HANG_MS,
      logLevel: v.LOG_LEVEL,
      notices: {
        maxAttempts: v.NOTICE_MAX_ATTEMPTS,
        initialDelayMs: v.NOTICE_INITIAL_DELAY_MS,
        maxDelayMs: v.NOTICE_MAX_DELAY_MS,
        attemptTimeoutMs: v.NOTICE_ATTEMPT_TIMEOUT_MS,
        reorderWindowMs: v.NOTICE_REORDER_WINDOW_MS,
      },
    }),
    host: v.HOST,
    port,
    adminTokenGenerated: v.ADMIN_TOKEN === undefined,
  };
}
