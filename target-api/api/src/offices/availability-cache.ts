// The short-lived cache of office calendars (overload-collapse's fix serves availability from it), one
// per app on the context. A release of quota, or a booking that finds a slot full, forgets the office's
// entries at once, so the next look shows the change instead of sending more users at a red slot.

interface Entry {
  at: number;
  rows: unknown;
}

/** Calendars kept at most this many: past it the cache starts over rather than grow with odd queries. */
const MAX_ENTRIES = 5_000;

export class AvailabilityCache {
  readonly #ttlMs: number;
  readonly #entries = new Map<string, Entry>();

  /** `ttlMs` 0 turns the cache off: every look reads the database. */
  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** The calendar under `key` ("<officeId>|..."), read fresh through `read` when absent or stale. */
  async through<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (this.#ttlMs === 0) return read();
    const hit = this.#entries.get(key);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.rows as T;
    const rows = await read();
    if (this.#entries.size > MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { at: Date.now(), rows });
    return rows;
  }

  /** Drops every cached calendar of `officeId` (keys start with "<officeId>|"). */
  forgetOffice(officeId: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(`${officeId}|`)) this.#entries.delete(key);
  }
}
