// identity-fragile: how login waits on the identity store (the outage of late January - early February
// 2023: login failing and timing out for days). Legacy waits as long as the store takes and answers a
// bare 500 when it fails, so the app has nothing to go on and retries at once, piling load on a store
// that is already down; the fix gives up after IDENTITY_TIMEOUT_MS, stops asking a store that keeps
// failing (a circuit breaker), and answers at once a 503 with Retry-After that says what to do.
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { IdentityUnavailableError } from '../accounts/identity.ts';
import type { AppContext } from '../context.ts';
import { problems } from '../problem.ts';
import type { Defect } from './ids.ts';

export interface IdentityGuard {
  /** Runs one call to the identity store as this variant does (with or without its protections). */
  call<T>(ctx: AppContext, work: () => Promise<T>): Promise<T>;
}

/**
 * The default of IDENTITY_TIMEOUT_MS: longer than a healthy login takes (a scrypt check, tens of ms), far
 * shorter than a person waits.
 */
export const IDENTITY_TIMEOUT_MS = 1000;
/** Failures in a row that open the breaker, and how long it stays open before one call may try. */
const BREAKER_FAILURES = 5;
const BREAKER_OPEN_MS = 3000;
/** What the answer tells the app: come back when the breaker may let one call through. */
export const IDENTITY_RETRY_AFTER_S = BREAKER_OPEN_MS / 1000;

type Policy = ReturnType<typeof wrap>;
// One breaker per app (per process in a deployment), not per module: tests build several apps.
const policies = new WeakMap<AppContext, Policy>();

function policyOf(ctx: AppContext): Policy {
  let policy = policies.get(ctx);
  if (!policy) {
    policy = wrap(
      circuitBreaker(handleAll, {
        halfOpenAfter: BREAKER_OPEN_MS,
        breaker: new ConsecutiveBreaker(BREAKER_FAILURES),
      }),
      // Aggressive: answer at the deadline whether or not the store ever does.
      timeout(ctx.config.identityTimeoutMs, TimeoutStrategy.Aggressive),
    );
    policies.set(ctx, policy);
  }
  return policy;
}

const unavailable = (why: string) =>
  problems.unavailable(
    'identity-unavailable',
    `login is unavailable right now (${why}); try again in ${IDENTITY_RETRY_AFTER_S} s, or use the walk-in service at the office`,
    IDENTITY_RETRY_AFTER_S,
  );

export const identityFragile: Defect<IdentityGuard> = {
  id: 'identity-fragile',
  gloss:
    'legacy waits on the identity store with no timeout and answers a bare 500; the fix times out, breaks the circuit and answers 503 with Retry-After',
  legacy: {
    // No timeout, no breaker: a hung store holds the request until the client gives up, and a failure
    // reaches the user as "the server failed to handle the request".
    call: (_ctx, work) => work(),
  },
  fix: {
    async call(ctx, work) {
      try {
        return (await policyOf(ctx).execute(() => work())) as Awaited<ReturnType<typeof work>>;
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw unavailable('the identity service is failing');
        if (error instanceof TaskCancelledError) throw unavailable('the identity service did not answer');
        if (error instanceof IdentityUnavailableError) throw unavailable('the identity service failed');
        throw error;
      }
    },
  },
};
