// pino JSON logs for both services: trace ids on every line written inside a span, and personal data
// and secrets removed in three layers: a redaction walk over known field names at any depth, serializers
// that keep only safe parts of requests and errors, and a last scrub of each written line for NIK-like
// numbers and e-mail addresses that slipped into free text (an error message quoting a row, say).
import type { FastifyBaseLogger } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import { activeTraceIds } from './tracing.ts';

export const REDACTED = '[REDACTED]';

/** Field names that never reach a log line, at any of the first three levels of a logged object. */
/** Field names (and header names) whose values never reach a log line, at any depth. */
const SECRET_KEYS = new Set([
  'nik',
  'email',
  'password',
  'token',
  'accesstoken',
  'refreshtoken',
  'authorization',
  'cookie',
  'signature',
  'x-signature',
  'x-admin-token',
  'secret',
  'activationcode',
]);
const MAX_DEPTH = 6;

/**
 * Copies `value` with every secret field replaced by REDACTED; objects with nothing to hide are returned
 * as they are (no copy). pino's path-based redaction was measured at about 20 us per line once wildcards
 * cover three levels; walking the few keys of a log object costs a small fraction of that.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const clean = redact(item, depth + 1);
      if (clean !== item) {
        copy ??= [...value];
        copy[i] = clean;
      }
    });
    return copy ?? value;
  }
  // Errors, dates and other class instances go to their serializers (err) or are left alone.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    const clean = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redact(item, depth + 1);
    if (clean !== item) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = clean;
    }
  }
  return copy ?? value;
}

// A NIK is 16 digits; hex neighbours are excluded so trace and span ids are never mistaken for one.
const NIK_PATTERN = /(?<![0-9a-fA-F])\d{16}(?![0-9a-fA-F])/g;
const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Bearer tokens of the API are `<base64url>.<base64url>`; anything after "Bearer " goes.
const BEARER_PATTERN = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SIXTEEN_DIGITS = /\d{16}/;

/** Removes NIKs, e-mail addresses and bearer tokens from free text. */
export function scrub(text: string): string {
  // Cheap tests first: the patterns run only on lines that could hold what they look for.
  let out = SIXTEEN_DIGITS.test(text) ? text.replace(NIK_PATTERN, REDACTED) : text;
  if (out.includes('@')) out = out.replace(EMAIL_PATTERN, REDACTED);
  if (/bearer/i.test(out)) out = out.replace(BEARER_PATTERN, `$1${REDACTED}`);
  return out;
}

interface RequestLike {
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
  id?: string;
}

/** A request as logged: method, route template and path without its query (`?email=...` stays out). */
export function serializeRequest(req: RequestLike): Record<string, unknown> {
  return {
    id: req.id,
    method: req.method,
    route: req.routeOptions?.url,
    path: req.url?.split('?', 1)[0],
  };
}

/** An error as logged: its class, code and scrubbed message and stack. */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const e = err as Error & { code?: unknown; statusCode?: unknown };
  return {
    type: e.name,
    code: e.code,
    statusCode: e.statusCode,
    message: scrub(e.message),
    stack: e.stack === undefined ? undefined : scrub(e.stack),
  };
}

export interface LoggerOptions {
  service: string;
  /** pino level name; LOG_LEVEL from the environment when omitted, else `info`. */
  level?: string;
  /** Where lines go: standard output when omitted (tests pass a stream to read them back). */
  destination?: DestinationStream;
}

const noIds = Object.freeze({});

// Typed as Fastify's logger so `Fastify({ loggerInstance })` keeps the default FastifyInstance type that
// plugins and buildApp's signature expect (pino's own Logger type would change the instance's generics).
export function createLogger(options: LoggerOptions): FastifyBaseLogger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new LoggerConfigError(`LOG_LEVEL="${level}" is not a pino level; use one of ${levelNames()}`);
  }
  return pino(
    {
      level,
      base: { service: options.service },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (object) => redact(object) as Record<string, unknown> },
      serializers: { req: serializeRequest, err: serializeError, error: serializeError },
      mixin: () => activeTraceIds() ?? noIds,
      // pino's default strategy assigns into the mixin's object; the shared empty one must stay empty.
      mixinMergeStrategy: (mergeObject, mixinObject) =>
        mixinObject === noIds ? mergeObject : Object.assign(mixinObject, mergeObject),
      hooks: { streamWrite: scrub },
    },
    options.destination ?? bufferedDestination(1),
  );
}

/**
 * A file descriptor or path (standard output by default) written in blocks of 4 KiB, or once a second,
 * instead of one write per line: the per-line system call was most of a log line's cost in the
 * benchmark. pino flushes what is left when the process exits.
 */
export function bufferedDestination(dest: number | string): DestinationStream {
  const destination = pino.destination({ dest, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Closed at shutdown: nothing left to flush.
    }
  }, 1000).unref();
  return destination;
}

export class LoggerConfigError extends Error {
  readonly code = 'ERR_LOGGER_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'LoggerConfigError';
  }
}

function levelNames(): string {
  return [...Object.keys(pino.levels.values), 'silent'].join(', ');
}
