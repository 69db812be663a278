// How an office's daily quota becomes slots, when release events happen, and nearest-office order.
import { addDays } from '../../calendar/dates.ts';
import { SERVICE_CATEGORIES, type ServiceCategory } from '../../calendar/slots.ts';
import type { Office } from './catalogue.ts';
import { instantOf, localDate, weekday } from './time-zones.ts';

export interface SlotSpec {
  session: string;
  category: ServiceCategory;
  capacity: number;
}

/** Splits each category's daily quota over the sessions; rounding leftovers go to the first session. */
export function slotCapacities(office: Office): SlotSpec[] {
  const specs: SlotSpec[] = [];
  for (const category of SERVICE_CATEGORIES) {
    const total = office.categories[category];
    const shares = office.sessions.map((session) => Math.floor(total * session.share));
    const leftover = total - shares.reduce((sum, part) => sum + part, 0);
    office.sessions.forEach((session, index) => {
      const capacity = (shares[index] ?? 0) + (index === 0 ? leftover : 0);
      specs.push({ session: session.name, category, capacity });
    });
  }
  return specs;
}

/** Working days (Monday-Friday) among `days` dates from `from`. */
export function workingDates(from: string, days: number): string[] {
  const dates: string[] = [];
  for (let offset = 0; offset < days; offset++) {
    const date = addDays(from, offset);
    const day = weekday(date);
    if (day !== 0 && day !== 6) dates.push(date);
  }
  return dates;
}

export interface ReleaseMoment {
  at: number;
  dates: string[];
}

/** Release moments of `office` in (fromMs, toMs], with the dates each opens. */
export function releasesBetween(office: Office, fromMs: number, toMs: number): ReleaseMoment[] {
  const moments: ReleaseMoment[] = [];
  const schedule = office.release;
  // Look at most 62 local days back: a longer gap (a stopped process) only needs the latest releases.
  const start = Math.max(fromMs, toMs - 62 * 86_400_000);
  for (
    let date = localDate(start, office.timeZone);
    date <= localDate(toMs, office.timeZone);
    date = addDays(date, 1)
  ) {
    const at = instantOf(date, schedule.time, office.timeZone);
    if (at <= fromMs || at > toMs) continue;
    if (schedule.kind === 'weekly' && weekday(date) === schedule.weekday) {
      // The next week, Monday to Sunday.
      const nextMonday = addDays(date, (8 - weekday(date)) % 7 || 7);
      moments.push({ at, dates: workingDates(nextMonday, 7) });
    }
    if (schedule.kind === 'monthly' && schedule.days.includes(Number(date.slice(8, 10)))) {
      moments.push({ at, dates: workingDates(addDays(date, 1), schedule.horizonDays) });
    }
  }
  return moments;
}

/** Great-circle distance in kilometres (haversine), for "offices nearest first". */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.sqrt(a));
}
