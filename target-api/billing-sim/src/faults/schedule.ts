// Environment faults of the billing system and the bank's notices (docs/DEFECTS.md, "the world misbehaving"),
// each optionally limited to a window [startAt, endAt) so a load scenario can schedule them up front.
// Pure: the caller passes the time and the random source.
import type { ScheduledFault } from '../../../shared/fault-history.ts';

export interface BillingFaults {
  /** Added to every bill call before it is answered. */
  latencyMs: number;
  /** Share of bill calls answered with a 5xx. */
  errorRate: number;
  /** Share of bill calls that hang until the client gives up. */
  timeoutRate: number;
  /** Every bill call fails fast with 503. */
  outage: boolean;
}

export interface NoticeFaults {
  /** Held before the first delivery attempt of every notice. */
  delayMs: number;
  /** Share of notices never sent (the bill is PAID, the API never hears of it). */
  dropRate: number;
  /** Share of notices sent twice, same id and body, as banks do when they miss an acknowledgement. */
  duplicateRate: number;
  /** Notices are held and sent in batches in a shuffled order. */
  reorder: boolean;
}

export interface FaultWindow {
  /** Epoch ms; null = from now on. */
  startAt: number | null;
  /** Epoch ms, exclusive; null = until cleared. */
  endAt: number | null;
}

export interface FaultSettings {
  billing: (BillingFaults & FaultWindow) | null;
  notices: (NoticeFaults & FaultWindow) | null;
}

/** The body of `PUT /admin/faults`: every field optional; a group's own window beats the top-level one. */
export interface FaultsUpdate {
  billing?: Partial<BillingFaults> & WindowInput;
  notices?: Partial<NoticeFaults> & WindowInput;
  startAt?: string;
  endAt?: string;
}

interface WindowInput {
  startAt?: string;
  endAt?: string;
}

export class FaultWindowError extends Error {
  readonly code = 'FAULT_WINDOW';
  constructor(message: string) {
    super(message);
    this.name = 'FaultWindowError';
  }
}

export const NO_BILLING_FAULTS: BillingFaults = { latencyMs: 0, errorRate: 0, timeoutRate: 0, outage: false };
export const NO_NOTICE_FAULTS: NoticeFaults = { delayMs: 0, dropRate: 0, duplicateRate: 0, reorder: false };
export const NO_FAULTS: FaultSettings = { billing: null, notices: null };

function parseInstant(value: string | undefined, field: string): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new FaultWindowError(`${field} is not an ISO-8601 instant: ${value}`);
  return ms;
}

function windowOf(group: WindowInput, top: WindowInput, name: string): FaultWindow {
  const startAt = parseInstant(group.startAt ?? top.startAt, `${name}.startAt`);
  const endAt = parseInstant(group.endAt ?? top.endAt, `${name}.endAt`);
  if (startAt !== null && endAt !== null && endAt <= startAt) {
    throw new FaultWindowError(`${name}: endAt must be later than startAt`);
  }
  return { startAt, endAt };
}

/**
 * Applies an update: each group present replaces that group (missing fields mean "no such fault"),
 * a group absent from the update is kept, so billing and notice faults can be scheduled separately.
 */
export function applyFaultsUpdate(current: FaultSettings, update: FaultsUpdate): FaultSettings {
  const top: WindowInput = { startAt: update.startAt, endAt: update.endAt };
  const next: FaultSettings = { ...current };
  if (update.billing) {
    const { startAt: _s, endAt: _e, ...faults } = update.billing;
    next.billing = { ...NO_BILLING_FAULTS, ...faults, ...windowOf(update.billing, top, 'billing') };
  }
  if (update.notices) {
    const { startAt: _s, endAt: _e, ...faults } = update.notices;
    next.notices = { ...NO_NOTICE_FAULTS, ...faults, ...windowOf(update.notices, top, 'notices') };
  }
  return next;
}

export function isWindowOpen(window: FaultWindow, nowMs: number): boolean {
  return (
    (window.startAt === null || nowMs >= window.startAt) && (window.endAt === null || nowMs < window.endAt)
  );
}

export function activeBillingFaults(settings: FaultSettings, nowMs: number): BillingFaults {
  const group = settings.billing;
  if (!group || !isWindowOpen(group, nowMs)) return NO_BILLING_FAULTS;
  const { startAt: _s, endAt: _e, ...faults } = group;
  return faults;
}

export function activeNoticeFaults(settings: FaultSettings, nowMs: number): NoticeFaults {
  const group = settings.notices;
  if (!group || !isWindowOpen(group, nowMs)) return NO_NOTICE_FAULTS;
  const { startAt: _s, endAt: _e, ...faults } = group;
  return faults;
}

/** A number in [0, 1). */
export type Random = () => number;

export type BillingFault = 'none' | 'outage' | 'error' | 'timeout';

/** What happens to one bill call: the outage wins, then an error, then a hang. */
export function decideBillingFault(faults: BillingFaults, random: Random): BillingFault {
  if (faults.outage) return 'outage';
  if (faults.errorRate > 0 && random() < faults.errorRate) return 'error';
  if (faults.timeoutRate > 0 && random() < faults.timeoutRate) return 'timeout';
  return 'none';
}

export interface NoticeFate {
  drop: boolean;
  copies: 1 | 2;
  delayMs: number;
  hold: boolean;
}

export function decideNoticeFate(faults: NoticeFaults, random: Random): NoticeFate {
  const drop = faults.dropRate > 0 && random() < faults.dropRate;
  const duplicate = !drop && faults.duplicateRate > 0 && random() < faults.duplicateRate;
  return { drop, copies: duplicate ? 2 : 1, delayMs: faults.delayMs, hold: faults.reorder };
}

const pct = (rate: number) => `${Math.round(rate * 100)}%`;

/**
 * Each group of `settings` that `update` touched, in words and with its window, for the fault history
 * (shared/fault-history.ts); null for a group set to no fault at all.
 */
export function scheduledGroups(
  settings: FaultSettings,
  update: FaultsUpdate,
): { group: 'billing' | 'notices'; fault: ScheduledFault | null }[] {
  const out: { group: 'billing' | 'notices'; fault: ScheduledFault | null }[] = [];
  const scheduled = (words: string[], window: FaultWindow): ScheduledFault | null =>
    words.length === 0 ? null : { kind: words.join(', '), startAt: window.startAt, endAt: window.endAt };
  if (update.billing && settings.billing) {
    const b = settings.billing;
    const words = [
      b.outage ? 'billing outage' : '',
      b.errorRate > 0 ? `billing errors ${pct(b.errorRate)}` : '',
      b.timeoutRate > 0 ? `billing timeouts ${pct(b.timeoutRate)}` : '',
      b.latencyMs > 0 ? `billing latency +${b.latencyMs} ms` : '',
    ].filter(Boolean);
    out.push({ group: 'billing', fault: scheduled(words, b) });
  }
  if (update.notices && settings.notices) {
    const n = settings.notices;
    const words = [
      n.dropRate > 0 ? `notices dropped ${pct(n.dropRate)}` : '',
      n.duplicateRate > 0 ? `notices repeated ${pct(n.duplicateRate)}` : '',
      n.delayMs > 0 ? `notices delayed ${n.delayMs} ms` : '',
      n.reorder ? 'notices reordered' : '',
    ].filter(Boolean);
    out.push({ group: 'notices', fault: scheduled(words, n) });
  }
  return out;
}

/** Serialises settings for `GET /admin/faults` with instants back in ISO form. */
export function describeFaults(settings: FaultSettings, nowMs: number) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    billing: settings.billing
      ? { ...settings.billing, startAt: iso(settings.billing.startAt), endAt: iso(settings.billing.endAt) }
      : null,
    notices: settings.notices
      ? { ...settings.notices, startAt: iso(settings.notices.startAt), endAt: iso(settings.notices.endAt) }
      : null,
    active: {
      billing: activeBillingFaults(settings, nowMs),
      notices: activeNoticeFaults(settings, nowMs),
    },
  };
}
