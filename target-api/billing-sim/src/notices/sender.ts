// Delivers payment (and refund) notices to the API the way a bank's callback does: signed, retried with exponential
// backoff and jitter until a 2xx acknowledgement or the attempt budget is spent, and subject to the
// scheduled notice faults (delay, drop, duplicate, reorder).
import { randomUUID } from 'node:crypto';
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import { Agent, request } from 'undici';
import { SIGNATURE_HEADER, signNotice, TIMESTAMP_HEADER } from '../../../shared/notice-signature.ts';
import type { PaymentNotice, RefundNotice } from '../../../shared/notices.ts';
import { tracingActive, withTraceCarrier } from '../../../telemetry/index.ts';
import { decideNoticeFate, type NoticeFaults, type Random } from '../faults/schedule.ts';

export type { PaymentNotice, RefundNotice };

/** Where each kind of notice goes on the API. */
const NOTICE_PATHS = { payment: '/v1/payment-notices', refund: '/v1/refund-notices' } as const;
export type NoticeKind = keyof typeof NOTICE_PATHS;

export interface NoticeDeliveryConfig {
  /** Base URL of the API; notices go to `${apiUrl}/v1/payment-notices` (refunds: /v1/refund-notices). */
  apiUrl: string;
  secret: string;
  /** Total attempts per notice, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** One attempt gives up after this long without an answer. */
  attemptTimeoutMs: number;
  /** While `reorder` is on, held notices are released in a shuffled batch this often. */
  reorderWindowMs: number;
}

export type DeliveryStatus =
  | 'delayed'
  | 'held'
  | 'sending'
  | 'delivered'
  | 'dropped'
  | 'failed'
  | 'abandoned';

export interface DeliveryRecord {
  kind: NoticeKind;
  noticeId: string;
  billingCode: string;
  /** 1, or 2 for the duplicate copy. */
  copy: number;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
}

export class NoticeRejectedError extends Error {
  readonly code = 'NOTICE_REJECTED';
  readonly statusCode: number;
  constructor(statusCode: number) {
    super(`the API answered ${statusCode} to a notice`);
    this.name = 'NoticeRejectedError';
    this.statusCode = statusCode;
  }
}

interface Pending {
  record: DeliveryRecord;
  path: string;
  body: string;
  traceparent: string | null;
}

export interface NoticeSenderDeps {
  faults: () => NoticeFaults;
  random: Random;
  onError?: (record: DeliveryRecord, error: unknown) => void;
}

const UNFINISHED: ReadonlySet<DeliveryStatus> = new Set(['delayed', 'held', 'sending']);

export class NoticeSender {
  readonly #config: NoticeDeliveryConfig;
  readonly #deps: NoticeSenderDeps;
  readonly #agent = new Agent({ connections: 32 });
  readonly #abort = new AbortController();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #records: DeliveryRecord[] = [];
  #held: Pending[] = [];
  #flushTimer: NodeJS.Timeout | null = null;
  #unfinished = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(config: NoticeDeliveryConfig, deps: NoticeSenderDeps) {
    this.#config = config;
    this.#deps = deps;
  }

  /** Sends the notice of a payment; returns at once, delivery happens in the background. */
  send(payment: Omit<PaymentNotice, 'noticeId'>, traceparent: string | null): string {
    return this.#enqueue('payment', { noticeId: randomUUID(), ...payment }, traceparent);
  }

  /** Sends the notice of a refund, the same way (signed, retried, subject to the notice faults). */
  sendRefund(refund: Omit<RefundNotice, 'noticeId'>, traceparent: string | null): string {
    return this.#enqueue('refund', { noticeId: randomUUID(), ...refund }, traceparent);
  }

  #enqueue(kind: NoticeKind, notice: PaymentNotice | RefundNotice, traceparent: string | null): string {
    const body = JSON.stringify(notice);
    const fate = decideNoticeFate(this.#deps.faults(), this.#deps.random);
    if (fate.drop) {
      this.#records.push(this.#newRecord(kind, notice, 1, 'dropped'));
      return notice.noticeId;
    }
    const path = NOTICE_PATHS[kind];
    for (let copy = 1; copy <= fate.copies; copy++) {
      const pending: Pending = {
        record: this.#newRecord(kind, notice, copy, 'delayed'),
        path,
        body,
        traceparent,
      };
      this.#records.push(pending.record);
      this.#unfinished++;
      this.#after(fate.delayMs, () => {
        if (fate.hold) this.#hold(pending);
        else void this.#deliver(pending);
      });
    }
    return notice.noticeId;
  }

  records(): readonly DeliveryRecord[] {
    return this.#records;
  }

  /** Resolves when every notice sent so far is delivered, dropped or given up on. */
  idle(): Promise<void> {
    if (this.#unfinished === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops: waits up to `graceMs` for notices under way, then abandons the rest. */
  async close(graceMs = 0): Promise<void> {
    if (graceMs > 0 && this.#unfinished > 0) {
      await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
    this.#abort.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    for (const record of this.#records) {
      if (UNFINISHED.has(record.status)) record.status = 'abandoned';
    }
    this.#unfinished = 0;
    this.#wakeIdle();
    await this.#agent.close();
  }

  #newRecord(
    kind: NoticeKind,
    notice: PaymentNotice | RefundNotice,
    copy: number,
    status: DeliveryStatus,
  ): DeliveryRecord {
    return {
      kind,
      noticeId: notice.noticeId,
      billingCode: notice.billingCode,
      copy,
      status,
      attempts: 0,
      lastError: null,
      deliveredAt: null,
    };
  }

  #after(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #hold(pending: Pending): void {
    pending.record.status = 'held';
    this.#held.push(pending);
    this.#flushTimer ??= setTimeout(() => void this.#flushHeld(), this.#config.reorderWindowMs);
  }

  async #flushHeld(): Promise<void> {
    this.#flushTimer = null;
    const batch = this.#held;
    this.#held = [];
    // Fisher-Yates, with the injected random source so a test can pin the order.
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(this.#deps.random() * (i + 1));
      [batch[i], batch[j]] = [batch[j] as Pending, batch[i] as Pending];
    }
    // The first attempts go out one after another, so the shuffled order is the order of arrival;
    // retries then run on their own.
    for (const pending of batch) {
      await new Promise<void>((firstAttemptDone) => void this.#deliver(pending, firstAttemptDone));
    }
  }

  async #deliver(pending: Pending, firstAttemptDone?: () => void): Promise<void> {
    const { record, path, body, traceparent } = pending;
    record.status = 'sending';
    const policy = retry(handleAll, {
      maxAttempts: this.#config.maxAttempts - 1, // cockatiel counts retries after the first call
      backoff: new ExponentialBackoff({
        initialDelay: this.#config.initialDelayMs,
        maxDelay: this.#config.maxDelayMs,
      }),
    });
    try {
      await policy.execute(async ({ signal }) => {
        record.attempts++;
        try {
          await this.#post(path, body, traceparent, signal);
        } catch (error) {
          record.lastError = error instanceof Error ? error.message : String(error);
          throw error;
        } finally {
          firstAttemptDone?.();
        }
      }, this.#abort.signal);
      record.status = 'delivered';
      record.deliveredAt = new Date().toISOString();
    } catch (error) {
      if (this.#abort.signal.aborted) return; // closed: close() marked it abandoned
      record.status = 'failed';
      this.#deps.onError?.(record, error);
    } finally {
      firstAttemptDone?.();
      this.#finishOne();
    }
  }

  async #post(path: string, body: string, traceparent: string | null, signal: AbortSignal): Promise<void> {
    // Signed per attempt: a retry hours later must not look stale to the API's freshness check.
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signNotice(this.#config.secret, body, timestamp),
      [TIMESTAMP_HEADER]: String(timestamp),
    };
    // With tracing on, the undici instrumentation writes traceparent itself, from the booking's trace
    // restored here, so the notice's client span and the API's handling join that trace.
    if (traceparent && !tracingActive()) headers.traceparent = traceparent;
    const response = await withTraceCarrier(traceparent, () =>
      request(new URL(path, this.#config.apiUrl), {
        method: 'POST',
        headers,
        body,
        signal,
        dispatcher: this.#agent,
        headersTimeout: this.#config.attemptTimeoutMs,
        bodyTimeout: this.#config.attemptTimeoutMs,
      }),
    );
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new NoticeRejectedError(response.statusCode);
    }
  }

  #finishOne(): void {
    if (this.#unfinished > 0) this.#unfinished--;
    if (this.#unfinished === 0) this.#wakeIdle();
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
