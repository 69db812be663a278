// Indonesia's three time zones (no daylight saving): office-local dates and times from instants.

export type TimeZone = 'WIB' | 'WITA' | 'WIT';
export const UTC_OFFSET_HOURS: Record<TimeZone, number> = { WIB: 7, WITA: 8, WIT: 9 };

const HOUR = 3_600_000;

/** The office-local calendar date ('YYYY-MM-DD') at instant `ms`. */
export function localDate(ms: number, zone: TimeZone): string {
  return new Date(ms + UTC_OFFSET_HOURS[zone] * HOUR).toISOString().slice(0, 10);
}

/** The instant of office-local `date` at `time` ('HH:MM'). */
export function instantOf(date: string, time: string, zone: TimeZone): number {
  return Date.parse(`${date}T${time}:00Z`) - UTC_OFFSET_HOURS[zone] * HOUR;
}

/** 0 = Sunday ... 6 = Saturday, for an office-local date. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
