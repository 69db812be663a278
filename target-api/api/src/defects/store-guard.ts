// The fix that identity-fragile and upload-fragile share: a call to a store of its own (the identity
// store, the document store) gives up after a timeout, stops asking a store that keeps failing (a
// circuit breaker), and the user is told at once what to do: 503 with Retry-After and a sentence.
// Legacy waits as long as the store takes, and its failure reaches the user as a bare 500.
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
import { StoreUnavailableError } from '../admin/faults.ts';
import type { ApiConfig } from '../config.ts';
import type { AppContext } from '../context.ts';
import type { ProblemError } from '../problem.ts';

export interface StoreGuard {
  /** Runs one call to the store as this variant does (with or without its protections). */
  call<T>(ctx: AppContext, work: () => Promise<T>): Promise<T>;
}

/** Failures in a row that open a breaker, and how long it stays open before one call may try. */
const BREAKER_FAILURES = 5;
const BREAKER_OPEN_MS = 3000;
/** What the answer tells the app: come back when the breaker may let one call through. */
export const STORE_RETRY_AFTER_S = BREAKER_OPEN_MS / 1000;

/** No timeout, no breaker: a hung store holds the request until the client gives up. */
export const unguarded: StoreGuard = { call: (_ctx, work) => work() };

export interface GuardOptions {
  /** The timeout of one call, from the configuration. */
  timeoutMs: (config: ApiConfig) => number;
  /** The answer when the store cannot be used now; `why` says which of the three happened. */
  unavailable: (why: string) => ProblemError;
}

type Policy = ReturnType<typeof wrap>;

/** A guard with its own breaker for each app (each process in a deployment; tests build several apps). */
export function guardStore({ timeoutMs, unavailable }: GuardOptions): StoreGuard {
  const policies = new WeakMap<AppContext, Policy>();
  const policyOf = (ctx: AppContext): Policy => {
    let policy = policies.get(ctx);
    if (!policy) {
      policy = wrap(
        circuitBreaker(handleAll, {
          halfOpenAfter: BREAKER_OPEN_MS,
          breaker: new ConsecutiveBreaker(BREAKER_FAILURES),
        }),
        // Aggressive: answer at the deadline whether or not the store ever does.
        timeout(timeoutMs(ctx.config), TimeoutStrategy.Aggressive),
      );
      policies.set(ctx, policy);
    }
    return policy;
  };
  return {
    async call(ctx, work) {
      try {
        return (await policyOf(ctx).execute(() => work())) as Awaited<ReturnType<typeof work>>;
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw unavailable('it is failing');
        if (error instanceof TaskCancelledError) throw unavailable('it did not answer');
        if (error instanceof StoreUnavailableError) throw unavailable('it failed');
        throw error;
      }
    },
  };
}
