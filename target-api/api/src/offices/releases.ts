// Opening quota: slots for an office's dates, on its schedule (release events in the office's time
// zone, driven by the sped-up clock) or on demand through the admin API.
import { addDays } from '../calendar/dates.ts';
import { slotId } from '../calendar/slots.ts';
import type { AppContext } from '../context.ts';
import type { Database } from '../storage/index.ts';
import { OFFICES, type Office } from './domain/catalogue.ts';
import { releasesBetween, slotCapacities, workingDates } from './domain/quota.ts';
import { localDate } from './domain/time-zones.ts';

/** Writes the catalogue into the offices table (the table is what invariants and joins read). */
export async function syncOffices(db: Database): Promise<void> {
  await db.query(
    `INSERT INTO offices (id, name, kind, city, time_zone, lat, lon, daily_quota)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::int[])
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, daily_quota = EXCLUDED.daily_quota`,
    [
      OFFICES.map((o) => o.id),
      OFFICES.map((o) => o.name),
      OFFICES.map((o) => o.kind),
      OFFICES.map((o) => o.city),
      OFFICES.map((o) => o.timeZone),
      OFFICES.map((o) => o.lat),
      OFFICES.map((o) => o.lon),
      OFFICES.map((o) => o.dailyQuota),
    ],
  );
}

export interface OpenedSlot {
  date: string;
  session: string;
  category: string;
  capacity: number;
}

/**
 * Opens the office's slots on `dates`. An already open slot keeps its capacity unless `capacity`
 * overrides it (tests and scenarios use one small slot to provoke a rush).
 */
export async function openSlots(
  ctx: AppContext,
  office: Office,
  dates: string[],
  trigger: string,
  capacity?: number,
): Promise<OpenedSlot[]> {
  const specs = slotCapacities(office);
  const rows = dates.flatMap((date) =>
    specs.map((spec) => ({
      date,
      session: spec.session,
      category: spec.category,
      capacity: capacity ?? spec.capacity,
    })),
  );
  if (rows.length === 0) return [];
  const now = new Date(ctx.clock.now());
  await ctx.db.query(
    `INSERT INTO slots (id, office_id, date, session, category, capacity, released_at)
     SELECT id, $2, date, session, category, capacity, $7
     FROM unnest($1::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS t(id, date, session, category, capacity)
     ON CONFLICT (id) DO UPDATE SET capacity = CASE WHEN $8 THEN EXCLUDED.capacity ELSE slots.capacity END`,
    [
      rows.map((r) => slotId(office.id, r.date, r.session, r.category)),
      office.id,
      rows.map((r) => r.date),
      rows.map((r) => r.session),
      rows.map((r) => r.category),
      rows.map((r) => r.capacity),
      now,
      capacity !== undefined,
    ],
  );
  ctx.availability.quotaChanged(office.id);
  await ctx.db.query(
    'INSERT INTO release_events (office_id, trigger, dates, released_at) VALUES ($1, $2, $3, $4)',
    [office.id, trigger, dates, now],
  );
  return rows;
}

/** At start: the next `days` working days of every office, so a fresh service can be booked at once. */
export async function openInitialWindow(ctx: AppContext, days: number): Promise<void> {
  if (days === 0) return;
  for (const office of OFFICES) {
    const tomorrow = addDays(localDate(ctx.clock.now(), office.timeZone), 1);
    await openSlots(ctx, office, workingDates(tomorrow, days), 'initial');
  }
}

/** Returns a tick function that opens every scheduled release due since the previous tick. */
export function releaseScheduler(ctx: AppContext): () => Promise<number> {
  let last = ctx.clock.now();
  return async () => {
    const now = ctx.clock.now();
    let opened = 0;
    for (const office of OFFICES) {
      for (const moment of releasesBetween(office, last, now)) {
        opened += (await openSlots(ctx, office, moment.dates, 'schedule')).length;
      }
    }
    last = now;
    return opened;
  };
}
