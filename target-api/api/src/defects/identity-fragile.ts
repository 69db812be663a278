// identity-fragile: how login and password reset wait on the identity store (the outage of late
// January - early February 2023: login and password reset failing and timing out for days). Legacy waits
// as long as the store takes and answers a bare 500 when it fails, so the app has nothing to go on and
// retries at once, piling load on a store that is already down; the fix (store-guard.ts) gives up after
// IDENTITY_TIMEOUT_MS, stops asking a store that keeps failing, and answers at once a 503 with
// Retry-After that says what to do.
import { problems } from '../problem.ts';
import type { Defect } from './ids.ts';
import { guardStore, STORE_RETRY_AFTER_S, type StoreGuard, unguarded } from './store-guard.ts';

/**
 * The default of IDENTITY_TIMEOUT_MS: longer than a healthy login takes (a scrypt check, tens of ms), far
 * shorter than a person waits.
 */
export const IDENTITY_TIMEOUT_MS = 1000;
export const IDENTITY_RETRY_AFTER_S = STORE_RETRY_AFTER_S;

export const identityFragile: Defect<StoreGuard> = {
  id: 'identity-fragile',
  gloss:
    'legacy waits on the identity store (login, password reset) with no timeout and answers a bare 500; the fix times out, breaks the circuit and answers 503 with Retry-After',
  legacy: unguarded,
  fix: guardStore({
    timeoutMs: (config) => config.identityTimeoutMs,
    unavailable: (why) =>
      problems.unavailable(
        'identity-unavailable',
        `login and password reset are unavailable right now (the identity service: ${why}); try again in ${STORE_RETRY_AFTER_S} s, or use the walk-in service at the office`,
        STORE_RETRY_AFTER_S,
      ),
  }),
};
