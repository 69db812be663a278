// What the manager reads first: the user journeys of docs/DOMAIN.md (get a seat, get the kode billing,
// pay before it expires, and get in: log in, reset a password, upload documents), each ready / at risk
// / not ready, with the facts behind it in the domain's own words. Pure: it takes counts and examples (one run, or every run of one side of a
// verification) and returns findings; i18n turns them into sentences.
import type { SloId, SloResult } from './slo.ts';

export type JourneyId = 'seat' | 'code' | 'pay' | 'access';

/** The steps before booking that lean on stores of their own (outage-2023 measures each). */
export const ACCESS_TASKS = ['login', 'reset', 'upload'] as const;
export type AccessTask = (typeof ACCESS_TASKS)[number];

/** One task's time to the first useful answer in one run: its p95 and whether its objective held. */
export interface ClearAnswer {
  p95Ms: number;
  /** The objective's limit (ms), read from the threshold; null when the run set none. */
  limitMs: number | null;
  ok: boolean;
}

/** not-tested: the runs did not exercise the journey, so they say nothing about it either way. */
export type Readiness = 'ready' | 'at-risk' | 'not-ready' | 'not-tested';

export interface Finding {
  /** The message key under `finding.` in the dictionaries. */
  key: string;
  params: Record<string, string | number>;
}

export interface Journey {
  id: JourneyId;
  readiness: Readiness;
  findings: Finding[];
}

/** The evidence of one run or of one side of a verification (then summed over its runs). */
export interface JourneyEvidence {
  runs: number;
  /** Booking requests answered, over every run: the denominator a manager can picture. */
  attempts: number | null;
  /** Per invariant: violations summed over the runs, and in how many runs it was violated; null = not checked. */
  invariants: Record<string, { violations: number; runs: number }> | null;
  /** Examples per invariant, as invariants.json gives them (the first run that had any). */
  examples: Record<string, unknown[]>;
  /** Per SLO: runs that measured it, runs that met it, and the figure of the worst run. */
  slos: Partial<Record<SloId, { measured: number; met: number; worst: SloResult | null }>>;
  /** The service received payment notices during the runs: the pay journey was exercised. */
  paymentsSeen: boolean;
  /** Per task: runs that measured the time to a useful answer, runs that met it, and the worst figure. */
  access: Partial<Record<AccessTask, { measured: number; met: number; worst: ClearAnswer }>>;
}

function violations(ev: JourneyEvidence, name: string): { violations: number; runs: number } {
  return ev.invariants?.[name] ?? { violations: 0, runs: 0 };
}

interface SlotExample {
  office: string;
  date: string;
  session: string;
  category: string;
  capacity: number;
  given: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "kanim-batam|2027-01-12|PAGI|REGULER" with capacity 5 and 8 bookings, as the API's invariant gives it. */
export function parseSlotExample(example: unknown): SlotExample | null {
  if (!isObject(example) || typeof example.slot !== 'string' || !example.slot.includes('|')) return null;
  const [office = '', date = '', session = '', category = ''] = example.slot.split('|');
  const capacity = Number(example.capacity);
  const given = Math.max(Number(example.bookings ?? 0), Number(example.taken ?? 0));
  if (!office || !Number.isFinite(capacity) || !Number.isFinite(given)) return null;
  return { office, date, session, category, capacity, given };
}

/**
 * "kanim-batam" -> "Kantor Imigrasi Batam", "ulp-depok" -> "ULP Depok": the office ids of the reference
 * API name the unit and its city, which is how an applicant names the office.
 */
export function officeName(id: string): string {
  const [kind = '', ...rest] = id.split('-');
  const city = rest.map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : w)).join(' ');
  if (kind === 'kanim') return `Kantor Imigrasi ${city}`;
  if (kind === 'ulp') return `ULP ${city}`;
  return id;
}

/** The most oversold slot: the example a manager remembers. */
export function worstSlot(examples: unknown[]): SlotExample | null {
  let worst: SlotExample | null = null;
  for (const example of examples) {
    const slot = parseSlotExample(example);
    if (slot && (!worst || slot.given - slot.capacity > worst.given - worst.capacity)) worst = slot;
  }
  return worst;
}

function sloBroken(
  ev: JourneyEvidence,
  id: SloId,
): { measured: number; met: number; worst: SloResult | null } | null {
  const s = ev.slos[id];
  return s && s.measured > 0 && s.met < s.measured ? s : null;
}

function seat(ev: JourneyEvidence): Journey {
  const findings: Finding[] = [];
  const over = violations(ev, 'slot-over-capacity');
  const dup = violations(ev, 'duplicate-active-booking');
  const lost = violations(ev, 'quota-not-conserved');
  const runs = { runs: ev.runs };
  if (over.violations > 0) {
    const slot = worstSlot(ev.examples['slot-over-capacity'] ?? []);
    if (slot) {
      findings.push({
        key: 'seat.oversoldExample',
        params: {
          office: officeName(slot.office),
          given: slot.given,
          capacity: slot.capacity,
          date: slot.date,
          session: slot.session,
        },
      });
    }
    findings.push({ key: 'seat.oversold', params: { slots: over.violations, inRuns: over.runs, ...runs } });
  }
  if (dup.violations > 0) {
    findings.push({ key: 'seat.duplicate', params: { niks: dup.violations, inRuns: dup.runs, ...runs } });
  }
  if (lost.violations > 0) {
    findings.push({
      key: 'seat.notConserved',
      params: { slots: lost.violations, inRuns: lost.runs, ...runs },
    });
  }
  const broken = findings.length > 0;
  // The booking SLOs that broke, in one finding: a manager reads one sentence, not three.
  const risks: Finding[] = [];
  const broke = (['availability', 'latencyP95', 'latencyP99'] as const)
    .map((id) => [id, sloBroken(ev, id)] as const)
    .filter(([, s]) => s?.worst);
  if (broke.length > 0) {
    risks.push({
      key: 'seat.sloBroken',
      params: {
        slos: broke.map(([id]) => id).join(','),
        met: Math.min(...broke.map(([, s]) => s?.met ?? 0)),
        measured: Math.max(...broke.map(([, s]) => s?.measured ?? 0)),
      },
    });
  }
  findings.push(...risks);
  const checked = ev.invariants !== null;
  const timed = (ev.slos.latencyP95?.measured ?? 0) > 0 || (ev.slos.availability?.measured ?? 0) > 0;
  if (broken) return { id: 'seat', readiness: 'not-ready', findings };
  if (risks.length > 0) return { id: 'seat', readiness: 'at-risk', findings };
  if (!checked && !timed)
    return { id: 'seat', readiness: 'not-tested', findings: [{ key: 'seat.untested', params: {} }] };
  if (!checked) {
    return { id: 'seat', readiness: 'at-risk', findings: [{ key: 'seat.unchecked', params: runs }] };
  }
  const attempts = ev.attempts ?? 0;
  return { id: 'seat', readiness: 'ready', findings: [{ key: 'seat.ready', params: { attempts, ...runs } }] };
}

function code(ev: JourneyEvidence): Journey {
  const missing = violations(ev, 'booking-without-code');
  const slo = ev.slos.paymentCode;
  const runs = { runs: ev.runs };
  if (missing.violations > 0) {
    return {
      id: 'code',
      readiness: 'not-ready',
      findings: [
        { key: 'code.missing', params: { applicants: missing.violations, inRuns: missing.runs, ...runs } },
      ],
    };
  }
  if (!slo || slo.measured === 0) {
    return { id: 'code', readiness: 'not-tested', findings: [{ key: 'code.untested', params: {} }] };
  }
  const share = slo.worst?.value ?? null;
  const events = slo.worst?.events;
  if (slo.met < slo.measured) {
    return {
      id: 'code',
      readiness: 'at-risk',
      findings: [
        {
          key: share !== null && slo.worst?.unit === 'ratio' ? 'code.late' : 'code.lateTrend',
          params: { share: share ?? 0, met: slo.met, measured: slo.measured },
        },
      ],
    };
  }
  return {
    id: 'code',
    readiness: 'ready',
    findings: [
      events
        ? { key: 'code.ready', params: { good: events.good, total: events.total, ...runs } }
        : { key: 'code.readyShare', params: runs },
    ],
  };
}

function pay(ev: JourneyEvidence): Journey {
  const expired = violations(ev, 'paid-but-expired');
  const notices = violations(ev, 'notice-mismatch');
  const runs = { runs: ev.runs };
  const findings: Finding[] = [];
  if (expired.violations > 0) {
    findings.push({
      key: 'pay.expired',
      params: { applicants: expired.violations, inRuns: expired.runs, ...runs },
    });
  }
  if (notices.violations > 0) {
    findings.push({
      key: 'pay.notices',
      params: { notices: notices.violations, inRuns: notices.runs, ...runs },
    });
  }
  if (findings.length > 0) return { id: 'pay', readiness: 'not-ready', findings };
  if (!ev.paymentsSeen || ev.invariants === null) {
    return { id: 'pay', readiness: 'not-tested', findings: [{ key: 'pay.untested', params: {} }] };
  }
  return { id: 'pay', readiness: 'ready', findings: [{ key: 'pay.ready', params: runs }] };
}

function access(ev: JourneyEvidence): Journey {
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const measured = ACCESS_TASKS.filter((task) => (ev.access[task]?.measured ?? 0) > 0);
  if (measured.length === 0) {
    return { id: 'access', readiness: 'not-tested', findings: [{ key: 'access.untested', params: {} }] };
  }
  const findings: Finding[] = [];
  for (const task of measured) {
    const a = ev.access[task];
    if (!a || a.met === a.measured) continue;
    findings.push({
      key: `access.silent.${task}`,
      params: {
        seconds: seconds(a.worst.p95Ms),
        limit: a.worst.limitMs === null ? '-' : seconds(a.worst.limitMs),
        met: a.met,
        measured: a.measured,
      },
    });
  }
  if (findings.length > 0) return { id: 'access', readiness: 'not-ready', findings };
  const worst = Math.max(...measured.map((task) => ev.access[task]?.worst.p95Ms ?? 0));
  return {
    id: 'access',
    readiness: 'ready',
    findings: [{ key: 'access.ready', params: { seconds: seconds(worst), runs: ev.runs } }],
  };
}

export function assessJourneys(ev: JourneyEvidence): Journey[] {
  return [seat(ev), code(ev), pay(ev), access(ev)];
}

/** The evidence of one run, from its SLOs, invariants and the service's own counters. */
export function runEvidence(input: {
  slos: SloResult[];
  invariants: { invariants: Array<{ name: string; violations: number; examples: unknown[] }> } | null;
  attempts: number | null;
  paymentsSeen: boolean;
  /** The run's time to a useful answer per task (outage-2023), absent when it measured none. */
  clearAnswers?: Partial<Record<AccessTask, ClearAnswer>>;
}): JourneyEvidence {
  const slos: JourneyEvidence['slos'] = {};
  for (const slo of input.slos) {
    const measured = slo.ok === null ? 0 : 1;
    slos[slo.id] = { measured, met: slo.ok ? 1 : 0, worst: measured ? slo : null };
  }
  const invariants: JourneyEvidence['invariants'] = input.invariants ? {} : null;
  const examples: Record<string, unknown[]> = {};
  for (const inv of input.invariants?.invariants ?? []) {
    if (invariants) invariants[inv.name] = { violations: inv.violations, runs: inv.violations > 0 ? 1 : 0 };
    examples[inv.name] = inv.examples;
  }
  const accessEvidence: JourneyEvidence['access'] = {};
  for (const task of ACCESS_TASKS) {
    const answer = input.clearAnswers?.[task];
    if (answer) accessEvidence[task] = { measured: 1, met: answer.ok ? 1 : 0, worst: answer };
  }
  return {
    runs: 1,
    attempts: input.attempts,
    invariants,
    examples,
    slos,
    paymentsSeen: input.paymentsSeen,
    access: accessEvidence,
  };
}

/** Evidence of several runs of one side, summed: a journey is as ready as its worst run. */
export function mergeEvidence(list: JourneyEvidence[]): JourneyEvidence {
  const out: JourneyEvidence = {
    runs: 0,
    attempts: null,
    invariants: null,
    examples: {},
    slos: {},
    paymentsSeen: false,
    access: {},
  };
  for (const ev of list) {
    for (const task of ACCESS_TASKS) {
      const a = ev.access[task];
      if (!a) continue;
      const cur = out.access[task];
      // The worst run is the one that broke its objective, else the slowest.
      const worse =
        !cur ||
        (!a.worst.ok && cur.worst.ok) ||
        (a.worst.ok === cur.worst.ok && a.worst.p95Ms > cur.worst.p95Ms)
          ? a.worst
          : cur.worst;
      out.access[task] = {
        measured: (cur?.measured ?? 0) + a.measured,
        met: (cur?.met ?? 0) + a.met,
        worst: worse,
      };
    }
    out.runs += ev.runs;
    if (ev.attempts !== null) out.attempts = (out.attempts ?? 0) + ev.attempts;
    out.paymentsSeen ||= ev.paymentsSeen;
    if (ev.invariants) {
      out.invariants ??= {};
      for (const [name, v] of Object.entries(ev.invariants)) {
        const cur = out.invariants[name] ?? { violations: 0, runs: 0 };
        out.invariants[name] = { violations: cur.violations + v.violations, runs: cur.runs + v.runs };
      }
    }
    for (const [name, list2] of Object.entries(ev.examples)) {
      if ((out.examples[name]?.length ?? 0) === 0 && list2.length > 0) out.examples[name] = list2;
    }
    for (const [id, s] of Object.entries(ev.slos) as Array<
      [SloId, NonNullable<JourneyEvidence['slos'][SloId]>]
    >) {
      const cur = out.slos[id] ?? { measured: 0, met: 0, worst: null };
      const worse =
        !cur.worst || (s.worst && s.worst.ok === false && cur.worst.ok !== false)
          ? (s.worst ?? cur.worst)
          : cur.worst;
      out.slos[id] = { measured: cur.measured + s.measured, met: cur.met + s.met, worst: worse };
    }
  }
  return out;
}
