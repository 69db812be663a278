// The billing simulator's configuration: one typed object, read once from the environment (and the
// --port flag in main.ts) and validated.
//
// | variable                  | default                      | meaning                                         |
// | ------------------------- | ---------------------------- | ----------------------------------------------- |
// | HOST                      | 127.0.0.1                    | interface to listen on                          |
// | PORT                      | 8081                         | port to listen on                               |
// | API_URL                   | http://127.0.0.1:8080        | where payment notices are POSTed                |
// | NOTICE_SECRET             | paspor-lab-dev-notice-secret | HMAC key shared with the API                    |
// | ADMIN_TOKEN               | generated and printed        | bearer token of /admin routes                   |
// | CLOCK_SPEED               | 1                            | simulated time runs this many times faster      |
// | CLOCK_EPOCH               | start of this process        | real epoch ms at which simulated = real time    |
// | NOTICE_MAX_ATTEMPTS       | 8                            | delivery attempts per notice, the first included|
// | NOTICE_INITIAL_DELAY_MS   | 200                          | first retry delay (then exponential, jittered)  |
// | NOTICE_MAX_DELAY_MS       | 10000                        | longest retry delay                             |
// | NOTICE_ATTEMPT_TIMEOUT_MS | 5000                         | one delivery attempt gives up after this        |
// | NOTICE_REORDER_WINDOW_MS  | 1000                         | held notices are released this often (reorder)  |
// | MAX_HANG_MS               | 120000                       | a "timeout" fault answers 504 after this at most|
// | LOG_LEVEL                 | info                         | pino level                                      |
import { randomBytes } from 'node:crypto';
import { type Clock, createClock } from '../../shared/clock.ts';
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

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

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

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new ConfigError(`${name}="${raw}" is not an integer >= ${min}; for example ${name}=${fallback}`);
  }
  return Number(raw);
}

/**
 * Simulated time = epoch + (real now - epoch) x speed. Every process started with the same CLOCK_EPOCH
 * agrees on simulated time, whenever it started.
 */
export function clockFromEnv(env: Env): Clock {
  const rawSpeed = env.CLOCK_SPEED;
  const speed = rawSpeed === undefined || rawSpeed === '' ? 1 : Number(rawSpeed);
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new ConfigError(`CLOCK_SPEED="${rawSpeed}" is not a positive number; for example CLOCK_SPEED=720`);
  }
  const realStart = Date.now();
  const epoch = integer(env, 'CLOCK_EPOCH', realStart, 0);
  return createClock({ speed, origin: epoch + Math.floor((realStart - epoch) * speed) });
}

export function loadConfig(env: Env = process.env, overrides: { port?: number } = {}): MainConfig {
  const port = overrides.port ?? integer(env, 'PORT', 8081, 0);
  if (port > 65535) throw new ConfigError(`port ${port} is out of range; use 0-65535`);
  const apiUrl = env.API_URL || 'http://127.0.0.1:8080';
  if (!URL.canParse(apiUrl)) {
    throw new ConfigError(`API_URL="${apiUrl}" is not a URL; for example API_URL=http://127.0.0.1:8080`);
  }
  return {
    ...simConfig({
      apiUrl,
      noticeSecret: env.NOTICE_SECRET || 'paspor-lab-dev-notice-secret',
      adminToken: env.ADMIN_TOKEN || randomBytes(18).toString('base64url'),
      clock: clockFromEnv(env),
      maxHangMs: integer(env, 'MAX_HANG_MS', 120_000, 1),
      logLevel: env.LOG_LEVEL || 'info',
      notices: {
        maxAttempts: integer(env, 'NOTICE_MAX_ATTEMPTS', DEFAULT_NOTICE_DELIVERY.maxAttempts, 1),
        initialDelayMs: integer(env, 'NOTICE_INITIAL_DELAY_MS', DEFAULT_NOTICE_DELIVERY.initialDelayMs, 1),
        maxDelayMs: integer(env, 'NOTICE_MAX_DELAY_MS', DEFAULT_NOTICE_DELIVERY.maxDelayMs, 1),
        attemptTimeoutMs: integer(
          env,
          'NOTICE_ATTEMPT_TIMEOUT_MS',
          DEFAULT_NOTICE_DELIVERY.attemptTimeoutMs,
          1,
        ),
        reorderWindowMs: integer(env, 'NOTICE_REORDER_WINDOW_MS', DEFAULT_NOTICE_DELIVERY.reorderWindowMs, 1),
      },
    }),
    host: env.HOST || '127.0.0.1',
    port,
    adminTokenGenerated: !env.ADMIN_TOKEN,
  };
}
