// upload-fragile: how an upload waits on the document store (the same outage of early 2023: uploading
// the e-KTP and KK timed out again and again). Legacy waits as long as the store takes and answers a
// bare 500 when it fails, so the app sends the whole file again at once, into a store that is already
// down; the fix (store-guard.ts) gives up after DOCUMENT_TIMEOUT_MS, stops asking a store that keeps
// failing, and answers at once a 503 with Retry-After that says what to do.
import { problems } from '../problem.ts';
import type { Defect } from './ids.ts';
import { guardStore, STORE_RETRY_AFTER_S, type StoreGuard, unguarded } from './store-guard.ts';

/**
 * The default of DOCUMENT_TIMEOUT_MS: the store's write of a file the route has already received in
 * full (the body's transfer is not in it), so a healthy one takes milliseconds.
 */
export const DOCUMENT_TIMEOUT_MS = 1500;

export const uploadFragile: Defect<StoreGuard> = {
  id: 'upload-fragile',
  gloss:
    'legacy waits on the document store with no timeout and answers a bare 500; the fix times out, breaks the circuit and answers 503 with Retry-After',
  legacy: unguarded,
  fix: guardStore({
    timeoutMs: (config) => config.documentTimeoutMs,
    unavailable: (why) =>
      problems.unavailable(
        'documents-unavailable',
        `uploads are unavailable right now (the document service: ${why}); try again in ${STORE_RETRY_AFTER_S} s, or bring the originals to the office`,
        STORE_RETRY_AFTER_S,
      ),
  }),
};
