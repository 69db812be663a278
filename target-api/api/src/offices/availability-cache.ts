// The short-lived availability cache of overload-collapse's fix, one per app. A release of quota
// forgets the office's entries at once, so a calendar read right after a release shows the new slots.
import type { AppContext } from '../context.ts';

export interface AvailabilityEntry<T> {
  at: number;
  rows: T;
}

const caches = new WeakMap<AppContext, Map<string, AvailabilityEntry<unknown>>>();

export function availabilityCache(ctx: AppContext): Map<string, AvailabilityEntry<unknown>> {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  return cache;
}

/** Drops every cached calendar of `officeId` (keys start with "<officeId>|"). */
export function forgetOffice(ctx: AppContext, officeId: string): void {
  const cache = caches.get(ctx);
  if (!cache) return;
  for (const key of cache.keys()) if (key.startsWith(`${officeId}|`)) cache.delete(key);
}
