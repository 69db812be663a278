// HTTP client of the billing simulator (MPN G2 stand-in): issue a bill, read it back ("Cek Tagihan").
// billing-fragile's defect and fix both live here: the legacy call has no timeout and no retry; the
// hardened one goes through cockatiel (timeout, jittered retries, circuit breaker).
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  type IPolicy,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { Agent, request } from 'undici';
import {
  refundSigningText,
  SIGNATURE_HEADER,
  signNotice,
  TIMESTAMP_HEADER,
} from '../../../shared/notice-signature.ts';
import { isBillingCode } from '../booking/domain/billing-code.ts';

export interface IssuedBill {
  billingCode: string;
  amount: number;
  payBy: string;
}

export interface BillState {
  billingCode: string;
  bookingId: string;
  amount: number;
  status: 'UNPAID' | 'PAID' | 'REFUNDED';
  paidAt: string | null;
}

export class BillingError extends Error {
  readonly code: string;
  constructor(
    code: 'ERR_BILLING_STATUS' | 'ERR_BILLING_RESPONSE' | 'ERR_BILLING_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'BillingError';
    this.code = code;
  }
}

export type BillingMode = 'legacy' | 'inline' | 'outbox';

export interface BillingClient {
  /** legacy: one plain call; inline: one short attempt; outbox: timeout + retries. */
  issueBill(
    input: { bookingId: string; amount: number; payBy: string },
    mode: BillingMode,
  ): Promise<IssuedBill>;
  checkBill(billingCode: string): Promise<BillState>;
  /** Gives a payment back (a late payment that could not be honoured). */
  refundBill(billingCode: string): Promise<void>;
  circuitState(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

export interface BillingClientOptions {
  baseUrl: string;
  timeoutMs: number;
  inlineTimeoutMs: number;
  /** The secret shared with billing (payment notices); signs the refunds the API asks for. */
  secret: string;
}

/**
 * Timeouts abort the call when they fire, not after it returns: cockatiel's default aborts the signal of
 * every finished call too, and each abort builds a DOMException with its stack (2.4% of the API's CPU
 * under bench:api, 3 Dec). The call awaits its whole answer, so nothing is left running to cancel.
 */
const AGGRESSIVE = { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false };

export function createBillingClient(options: BillingClientOptions): BillingClient {
  // headersTimeout/bodyTimeout 0: no transport timeout, so the legacy path really waits forever;
  // the hardened paths bound time with cockatiel's timeout and an AbortSignal instead.
  const agent = new Agent({ connections: 64, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 10_000 });
  const breaker = circuitBreaker(handleAll, { halfOpenAfter: 2_000, breaker: new ConsecutiveBreaker(5) });
  const inline: IPolicy = wrap(breaker, timeout(options.inlineTimeoutMs, AGGRESSIVE));
  const outbox: IPolicy = wrap(
    retry(handleAll, {
      maxAttempts: 2,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }),
    }),
    breaker,
    timeout(options.timeoutMs, AGGRESSIVE),
  );
  const check: IPolicy = wrap(
    retry(handleAll, {
      maxAttempts: 1,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 500 }),
    }),
    timeout(options.timeoutMs, AGGRESSIVE),
  );

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    signal?: AbortSignal,
    extraHeaders: Record<string, string> = {},
  ) => {
    const response = await request(new URL(path, options.baseUrl), {
      method,
      dispatcher: agent,
      headers: body === undefined ? extraHeaders : { 'content-type': 'application/json', ...extraHeaders },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) {
      throw new BillingError(
        'ERR_BILLING_STATUS',
        `billing answered ${response.statusCode}: ${text.slice(0, 200)}`,
      );
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new BillingError('ERR_BILLING_RESPONSE', 'billing answered with a body that is not JSON');
    }
  };

  const asIssued = (raw: Record<string, unknown>): IssuedBill => {
    if (!isBillingCode(raw.billingCode)) {
      throw new BillingError(
        'ERR_BILLING_RESPONSE',
        `billing returned an invalid code ${String(raw.billingCode)}`,
      );
    }
    return { billingCode: raw.billingCode, amount: Number(raw.amount), payBy: String(raw.payBy) };
  };

  const run = async <T>(policy: IPolicy, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    try {
      return await policy.execute(({ signal }) => work(signal));
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof TaskCancelledError) {
        throw new BillingError('ERR_BILLING_UNAVAILABLE', `billing unavailable: ${error.message}`);
      }
      throw error;
    }
  };

  return {
    async issueBill(input, mode) {
      if (mode === 'legacy') return asIssued(await call('POST', '/v1/bills', input));
      return run(mode === 'inline' ? inline : outbox, async (signal) =>
        asIssued(await call('POST', '/v1/bills', input, signal)),
      );
    },
    async checkBill(billingCode) {
      return run(check, async (signal) => {
        const raw = await call('GET', `/v1/bills/${encodeURIComponent(billingCode)}`, undefined, signal);
        const status = raw.status;
        if (status !== 'UNPAID' && status !== 'PAID' && status !== 'REFUNDED') {
          throw new BillingError('ERR_BILLING_RESPONSE', `unknown bill status ${String(status)}`);
        }
        return {
          billingCode,
          bookingId: String(raw.bookingId),
          amount: Number(raw.amount),
          status,
          paidAt: typeof raw.paidAt === 'string' ? raw.paidAt : null,
        };
      });
    },
    async refundBill(billingCode) {
      await run(check, async (signal) => {
        // Billing refunds only for its operator or for the API, which proves itself with the shared secret.
        const timestamp = Math.floor(Date.now() / 1000);
        await call('POST', `/v1/bills/${encodeURIComponent(billingCode)}/refund`, {}, signal, {
          [SIGNATURE_HEADER]: signNotice(options.secret, refundSigningText(billingCode), timestamp),
          [TIMESTAMP_HEADER]: String(timestamp),
        });
      });
    },
    circuitState() {
      if (breaker.state === CircuitState.Open || breaker.state === CircuitState.Isolated) return 'open';
      return breaker.state === CircuitState.HalfOpen ? 'half-open' : 'closed';
    },
    close: () => agent.close(),
  };
}
