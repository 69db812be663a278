// The offices the API serves: real Kantor Imigrasi (KANIM) and Unit Layanan Paspor (ULP) units. Quotas,
// category splits and release schedules come from docs/DOMAIN.md where it names them; where it does not
// (marked "modelled"), the figure is a plausible default, to be configured per deployment.
import type { ServiceCategory } from '../../calendar/slots.ts';
import type { TimeZone } from './time-zones.ts';

export interface SessionShare {
  /** PAGI = morning, SIANG = afternoon. */
  name: string;
  share: number;
}

export type ReleaseSchedule =
  /** Every week on `weekday` (0 = Sunday) at `time`, opening the next Monday-Sunday. */
  | { kind: 'weekly'; weekday: number; time: string }
  /** On each of `days` of the month at `time`, opening the following `horizonDays`. */
  | { kind: 'monthly'; days: number[]; time: string; horizonDays: number };

export interface Office {
  id: string;
  name: string;
  kind: 'KANIM' | 'ULP';
  city: string;
  timeZone: TimeZone;
  lat: number;
  lon: number;
  dailyQuota: number;
  categories: Record<ServiceCategory, number>;
  sessions: SessionShare[];
  release: ReleaseSchedule;
}

const WEEKLY_FRIDAY_1400: ReleaseSchedule = { kind: 'weekly', weekday: 5, time: '14:00' };
const ONE_SESSION: SessionShare[] = [{ name: 'PAGI', share: 1 }];
// Some offices split a day into a morning and an afternoon session, e.g. 90 + 50 of 140.
const TWO_SESSIONS: SessionShare[] = [
  { name: 'PAGI', share: 90 / 140 },
  { name: 'SIANG', share: 50 / 140 },
];

/** Default split when an office publishes only its total: 75% REGULER, 10% PERCEPATAN, 15% PRIORITAS. */
function split(total: number): Record<ServiceCategory, number> {
  const percepatan = Math.round(total * 0.1);
  const prioritas = Math.round(total * 0.15);
  return { REGULER: total - percepatan - prioritas, PERCEPATAN: percepatan, PRIORITAS: prioritas };
}

function office(
  fields: Omit<Office, 'categories' | 'sessions' | 'release'> &
    Partial<Pick<Office, 'categories' | 'sessions' | 'release'>>,
): Office {
  return {
    categories: split(fields.dailyQuota),
    sessions: ONE_SESSION,
    release: WEEKLY_FRIDAY_1400,
    ...fields,
  };
}

export const OFFICES: readonly Office[] = [
  office({
    id: 'kanim-tanjung-uban',
    name: 'Kantor Imigrasi Kelas II TPI Tanjung Uban',
    kind: 'KANIM',
    city: 'Bintan',
    timeZone: 'WIB',
    lat: 1.0655,
    lon: 104.2186,
    dailyQuota: 60, // modelled
    sessions: TWO_SESSIONS,
  }),
  office({
    id: 'kanim-batam',
    name: 'Kantor Imigrasi Kelas I Khusus TPI Batam',
    kind: 'KANIM',
    city: 'Batam',
    timeZone: 'WIB',
    lat: 1.1301,
    lon: 104.0529,
    dailyQuota: 285,
    categories: { REGULER: 200, PERCEPATAN: 35, PRIORITAS: 50 },
    sessions: TWO_SESSIONS,
    release: { kind: 'monthly', days: [1, 16], time: '09:00', horizonDays: 15 }, // twice a month
  }),
  office({
    id: 'kanim-atambua',
    name: 'Kantor Imigrasi Kelas II TPI Atambua',
    kind: 'KANIM',
    city: 'Atambua',
    timeZone: 'WITA',
    lat: -9.1061,
    lon: 124.8925,
    dailyQuota: 56,
  }),
  office({
    id: 'kanim-pontianak',
    name: 'Kantor Imigrasi Kelas I TPI Pontianak',
    kind: 'KANIM',
    city: 'Pontianak',
    timeZone: 'WIB',
    lat: -0.0459,
    lon: 109.3406,
    dailyQuota: 120,
  }),
  office({
    id: 'kanim-pematangsiantar',
    name: 'Kantor Imigrasi Kelas II TPI Pematangsiantar',
    kind: 'KANIM',
    city: 'Pematangsiantar',
    timeZone: 'WIB',
    lat: 2.9595,
    lon: 99.0687,
    dailyQuota: 100,
  }),
  office({
    id: 'ulp-pematangsiantar',
    name: 'Unit Layanan Paspor Kantor Imigrasi Pematangsiantar',
    kind: 'ULP',
    city: 'Pematangsiantar',
    timeZone: 'WIB',
    lat: 2.9649,
    lon: 99.0623,
    dailyQuota: 60,
  }),
  office({
    id: 'kanim-surabaya',
    name: 'Kantor Imigrasi Kelas I Khusus TPI Surabaya',
    kind: 'KANIM',
    city: 'Surabaya',
    timeZone: 'WIB',
    lat: -7.3305,
    lon: 112.7311,
    dailyQuota: 200,
    sessions: TWO_SESSIONS,
    release: { kind: 'monthly', days: [1], time: '09:00', horizonDays: 30 }, // start of the month (2023)
  }),
  office({
    id: 'kanim-depok',
    name: 'Kantor Imigrasi Kelas II Non TPI Depok',
    kind: 'KANIM',
    city: 'Depok',
    timeZone: 'WIB',
    lat: -6.3943,
    lon: 106.8227,
    dailyQuota: 270,
    sessions: TWO_SESSIONS,
  }),
  office({
    id: 'ulp-depok',
    name: 'Unit Layanan Paspor Kantor Imigrasi Depok',
    kind: 'ULP',
    city: 'Depok',
    timeZone: 'WIB',
    lat: -6.4025,
    lon: 106.7942,
    dailyQuota: 40,
  }),
  office({
    id: 'kanim-soekarno-hatta',
    name: 'Kantor Imigrasi Kelas I Khusus TPI Soekarno-Hatta',
    kind: 'KANIM',
    city: 'Tangerang',
    timeZone: 'WIB',
    lat: -6.1256,
    lon: 106.6559,
    dailyQuota: 252,
    sessions: TWO_SESSIONS,
  }),
  office({
    id: 'kanim-mataram',
    name: 'Kantor Imigrasi Kelas I TPI Mataram',
    kind: 'KANIM',
    city: 'Mataram',
    timeZone: 'WITA',
    lat: -8.5833,
    lon: 116.1167,
    dailyQuota: 100, // modelled
    release: { kind: 'weekly', weekday: 5, time: '16:00' }, // Fridays 16:00 WITA
  }),
  office({
    id: 'kanim-tanjungbalai-asahan',
    name: 'Kantor Imigrasi Kelas II TPI Tanjungbalai Asahan',
    kind: 'KANIM',
    city: 'Tanjungbalai',
    timeZone: 'WIB',
    lat: 2.9667,
    lon: 99.8,
    dailyQuota: 60, // modelled
    release: { kind: 'weekly', weekday: 5, time: '18:00' }, // Fridays 18:00 WIB
  }),
  office({
    id: 'kanim-jayapura',
    name: 'Kantor Imigrasi Kelas I TPI Jayapura',
    kind: 'KANIM',
    city: 'Jayapura',
    timeZone: 'WIT',
    lat: -2.5337,
    lon: 140.7181,
    dailyQuota: 80, // modelled
    release: { kind: 'monthly', days: [1], time: '09:00', horizonDays: 30 },
  }),
  office({
    id: 'kanim-ambon',
    name: 'Kantor Imigrasi Kelas I TPI Ambon',
    kind: 'KANIM',
    city: 'Ambon',
    timeZone: 'WIT',
    lat: -3.6954,
    lon: 128.1814,
    dailyQuota: 80, // modelled
  }),
];

export function findOffice(id: string): Office | undefined {
  return OFFICES.find((candidate) => candidate.id === id);
}
