// One dictionary per language; `t` fills {placeholders}. Numbers, dates and lists are formatted with
// Intl for the chosen language, so "99,5%" and "1.234" read right in Indonesian.
import { en, type MessageKey } from './en.ts';
import { id } from './id.ts';

export type Lang = 'en' | 'id';
export type { MessageKey };

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, id };

const LOCALES: Record<Lang, string> = { en: 'en-GB', id: 'id-ID' };

export class UnknownLanguageError extends Error {
  readonly code = 'REPORT_UNKNOWN_LANG';
  constructor(lang: string) {
    super(`unknown report language "${lang}": use "en" or "id"`);
    this.name = 'UnknownLanguageError';
  }
}

export function isLang(value: string): value is Lang {
  return value === 'en' || value === 'id';
}

/** Placeholder names in a message, e.g. ["run", "scenario"]. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

export interface Translator {
  lang: Lang;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** For keys built from data (an invariant's name): is there a label for it? */
  has(key: string): key is MessageKey;
  number(value: number, maximumFractionDigits?: number): string;
  percent(ratio: number, maximumFractionDigits?: number): string;
  list(items: string[]): string;
  dateTime(iso: string): string;
  /** A calendar date ("2027-01-12") as the reader writes it: "12 Jan 2027", "12 Jan 2027". */
  date(isoDate: string): string;
  /** A span of time in the largest unit that reads well: "3.2 hours", "45 minutes", "12 days". */
  duration(ms: number): string;
}

export function translator(lang: Lang): Translator {
  if (!isLang(lang)) throw new UnknownLanguageError(String(lang));
  const dict = dictionaries[lang];
  const locale = LOCALES[lang];
  const listFormat = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  return {
    lang,
    t(key, params = {}) {
      return dict[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
        name in params ? String(params[name]) : whole,
      );
    },
    has(key): key is MessageKey {
      return Object.hasOwn(dict, key);
    },
    number(value, maximumFractionDigits = 1) {
      return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
    },
    percent(ratio, maximumFractionDigits = 2) {
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits }).format(ratio);
    },
    list(items) {
      return listFormat.format(items);
    },
    date(isoDate) {
      const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
      if (Number.isNaN(date.getTime())) return isoDate;
      return new Intl.DateTimeFormat(locale, {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }).format(date);
    },
    duration(ms) {
      const n = (value: number) =>
        new Intl.NumberFormat(locale, { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
      const s = ms / 1000;
      if (s < 90) return dict['duration.second'].replace('{n}', n(s));
      if (s < 5400) return dict['duration.minute'].replace('{n}', n(s / 60));
      if (s < 172_800) return dict['duration.hour'].replace('{n}', n(s / 3600));
      return dict['duration.day'].replace('{n}', n(s / 86_400));
    },
    dateTime(iso) {
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) return iso;
      // UTC and the zone named, so a report reads the same wherever it is opened.
      return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(date)} UTC`;
    },
  };
}
