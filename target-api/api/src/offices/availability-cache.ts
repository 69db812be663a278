// The short-lived cache of office calendars (overload-collapse's fix serves availability from it), one
// per app on the context. A release of quota forgets the office's entries at once; so does a booking
// that finds a slot full, the first time that slot is learned full, so the next look shows it red
// instead of sending more users at it.
//
// In a rush hundreds of users are refused the same full slot within a second. Forgetting the calendar
// at each refusal (as until 4 Dec) sent nearly every next look to the database, the lookers of one
// moment each with a read of their own; now a slot is remembered full for the cache's lifetime, only
// the first refusal forgets, and the looks that miss at the same moment share one read.

interface Entry {
  at: number;
  rows: unknown;
}

/** Calendars kept at most this many: past it the cache starts over rather than grow with odd queries. */
const MAX_ENTRIES = 5_000;

/** The office of a cache key or slot id ("<officeId>|..."). */
const officeOf = (key: string): string => key.slice(0, key.indexOf('|'));

export class AvailabilityCache {
  readonly #ttlMs: number;
  readonly #entries = new Map<string, Entry>();
  /** Reads in flight, shared by the looks that miss meanwhile. */
  readonly #reading = new Map<string, { generation: number; rows: Promise<unknown> }>();
  /** Bumped when an office's calendars are forgotten: a read begun before must not be stored. */
  readonly #generations = new Map<string, number>();
  /** Slots learned full, and when. */
  readonly #full = new Map<string, number>();

  /** `ttlMs` 0 turns the cache off: every look reads the database. */
  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** The calendar under `key` ("<officeId>|..."), read fresh through `read` when absent or stale. */
  async through<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (this.#ttlMs === 0) return read();
    const hit = this.#entries.get(key);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.rows as T;
    const office = officeOf(key);
    const generation = this.#generations.get(office) ?? 0;
    const inFlight = this.#reading.get(key);
    if (inFlight?.generation === generation) return inFlight.rows as Promise<T>;
    const rows = read();
    this.#reading.set(key, { generation, rows });
    try {
      const value = await rows;
      if ((this.#generations.get(office) ?? 0) === generation) {
        if (this.#entries.size > MAX_ENTRIES) this.#entries.clear();
        this.#entries.set(key, { at: Date.now(), rows: value });
      }
      return value;
    } finally {
      if (this.#reading.get(key)?.rows === rows) this.#reading.delete(key);
    }
  }

  /**
   * A booking found `slotId` full (or took its last seat). The first time in the cache's lifetime, the
   * office's calendars are forgotten; the refusals after it change nothing the calendar shows.
   */
  slotFull(slotId: string): void {
    if (this.#ttlMs === 0) return;
    const now = Date.now();
    const since = this.#full.get(slotId);
    if (since !== undefined && now - since < this.#ttlMs) return;
    if (this.#full.size > MAX_ENTRIES) this.#full.clear();
    this.#full.set(slotId, now);
    this.#forget(officeOf(slotId));
  }

  /** Quota of `officeId` was released or changed: its calendars and full slots are forgotten. */
  quotaChanged(officeId: string): void {
    for (const slot of this.#full.keys()) if (officeOf(slot) === officeId) this.#full.delete(slot);
    this.#forget(officeId);
  }

  #forget(officeId: string): void {
    this.#generations.set(officeId, (this.#generations.get(officeId) ?? 0) + 1);
    for (const key of this.#entries.keys()) if (officeOf(key) === officeId) this.#entries.delete(key);
  }
}
