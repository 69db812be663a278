// What names a slot: office, date, session and service category. Offices open slots, booking takes
// seats in them; both read these facts from here, so neither imports the other for them.

/** REGULER (regular), PERCEPATAN (same-day express), PRIORITAS (elderly, disabled, pregnant, infants). */
export type ServiceCategory = 'REGULER' | 'PERCEPATAN' | 'PRIORITAS';
export const SERVICE_CATEGORIES: readonly ServiceCategory[] = ['REGULER', 'PERCEPATAN', 'PRIORITAS'];

export function slotId(officeId: string, date: string, session: string, category: string): string {
  return `${officeId}|${date}|${session}|${category}`;
}
