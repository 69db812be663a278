import { describe, expect, it } from 'vitest';
import { assessJourneys, mergeEvidence, officeName, runEvidence } from './journeys.ts';
import type { SloResult } from './slo.ts';

const slo = (id: SloResult['id'], ok: boolean | null, extra: Partial<SloResult> = {}): SloResult => ({
  id,
  op: '>=',
  target: 0.99,
  unit: 'ratio',
  value: ok === null ? null : ok ? 1 : 0.5,
  ok,
  source: 'm',
  ...extra,
});

const inv = (name: string, violations: number, examples: unknown[] = []) => ({ name, violations, examples });

const ALL_OK = [slo('availability', true), slo('latencyP95', true), slo('latencyP99', true)];

describe('assessJourneys', () => {
  it('says the seat journey is not ready, with the oversold slot in office, date and seat numbers', () => {
    const ev = runEvidence({
      slos: ALL_OK,
      invariants: {
        invariants: [
          inv('slot-over-capacity', 2, [
            { slot: 'kanim-batam|2027-01-13|PAGI|REGULER', capacity: 5, taken: 6, bookings: 6 },
            { slot: 'kanim-batam|2027-01-12|SIANG|REGULER', capacity: 5, taken: 8, bookings: 8 },
          ]),
        ],
      },
      attempts: 300,
      paymentsSeen: false,
    });
    const [seat] = assessJourneys(ev);
    expect(seat?.readiness).toBe('not-ready');
    expect(seat?.findings[0]).toEqual({
      key: 'seat.oversoldExample',
      params: {
        office: 'Kantor Imigrasi Batam',
        given: 8,
        capacity: 5,
        date: '2027-01-12',
        session: 'SIANG',
      },
    });
  });

  it('says the kode billing journey is not ready when applicants kept a seat without a code', () => {
    const ev = runEvidence({
      slos: [...ALL_OK, slo('paymentCode', true)],
      invariants: { invariants: [inv('booking-without-code', 20)] },
      attempts: 125,
      paymentsSeen: false,
    });
    expect(assessJourneys(ev)[1]).toMatchObject({
      readiness: 'not-ready',
      findings: [{ key: 'code.missing', params: { applicants: 20 } }],
    });
  });

  it('marks a journey at risk when only an SLO broke, ready when all held, not tested when unexercised', () => {
    const risky = runEvidence({
      slos: [slo('availability', true), slo('latencyP95', false), slo('latencyP99', true)],
      invariants: { invariants: [inv('slot-over-capacity', 0)] },
      attempts: 10,
      paymentsSeen: false,
    });
    const journeys = assessJourneys(risky);
    expect(journeys.map((j) => j.readiness)).toEqual(['at-risk', 'not-tested', 'not-tested', 'not-tested']);
    const fine = runEvidence({
      slos: [...ALL_OK, slo('paymentCode', true, { events: { good: 99, total: 99 } })],
      invariants: { invariants: [inv('slot-over-capacity', 0), inv('paid-but-expired', 0)] },
      attempts: 99,
      paymentsSeen: true,
    });
    expect(assessJourneys(fine).map((j) => j.readiness)).toEqual(['ready', 'ready', 'ready', 'not-tested']);
  });

  it('merges runs of one side: violations summed, the runs that showed them counted', () => {
    const bad = runEvidence({
      slos: ALL_OK,
      invariants: { invariants: [inv('duplicate-active-booking', 3)] },
      attempts: 100,
      paymentsSeen: false,
    });
    const good = runEvidence({
      slos: ALL_OK,
      invariants: { invariants: [inv('duplicate-active-booking', 0)] },
      attempts: 100,
      paymentsSeen: false,
    });
    const merged = mergeEvidence([bad, good, bad]);
    expect(merged.runs).toBe(3);
    expect(merged.attempts).toBe(300);
    expect(merged.invariants?.['duplicate-active-booking']).toEqual({ violations: 6, runs: 2 });
    expect(assessJourneys(merged)[0]?.findings).toContainEqual({
      key: 'seat.duplicate',
      params: { niks: 6, inRuns: 2, runs: 3 },
    });
  });
});

describe('officeName', () => {
  it('names an office as applicants do', () => {
    expect(officeName('kanim-batam')).toBe('Kantor Imigrasi Batam');
    expect(officeName('kanim-tanjung-uban')).toBe('Kantor Imigrasi Tanjung Uban');
    expect(officeName('ulp-depok')).toBe('ULP Depok');
  });
});

describe('the access journey (outage-2023: log in, reset a password, upload documents)', () => {
  const run = (clearAnswers: Parameters<typeof runEvidence>[0]['clearAnswers']) =>
    runEvidence({ slos: ALL_OK, invariants: null, attempts: 10, paymentsSeen: false, clearAnswers });
  const access = (ev: ReturnType<typeof runEvidence>) => assessJourneys(ev).find((j) => j.id === 'access');

  it('is not tested by a run that measured no task', () => {
    expect(access(run(undefined))).toMatchObject({
      readiness: 'not-tested',
      findings: [{ key: 'access.untested' }],
    });
  });

  it('is not ready with one finding per task whose users waited past the objective, in seconds', () => {
    const journey = access(
      run({
        login: { p95Ms: 9270, limitMs: 2000, ok: false },
        reset: { p95Ms: 40, limitMs: 2000, ok: true },
        upload: { p95Ms: 6150, limitMs: 2000, ok: false },
      }),
    );
    expect(journey?.readiness).toBe('not-ready');
    expect(journey?.findings).toEqual([
      { key: 'access.silent.login', params: { seconds: 9.3, limit: 2, met: 0, measured: 1 } },
      { key: 'access.silent.upload', params: { seconds: 6.2, limit: 2, met: 0, measured: 1 } },
    ]);
  });

  it('is ready when every task answered in time, naming the slowest p95', () => {
    const journey = access(
      run({
        login: { p95Ms: 11, limitMs: 2000, ok: true },
        upload: { p95Ms: 1505, limitMs: 2000, ok: true },
      }),
    );
    expect(journey).toMatchObject({
      readiness: 'ready',
      findings: [{ key: 'access.ready', params: { seconds: 1.5 } }],
    });
  });

  it('over several runs is as ready as the worst, and counts the runs that met the objective', () => {
    const merged = mergeEvidence([
      run({ login: { p95Ms: 900, limitMs: 2000, ok: true } }),
      run({ login: { p95Ms: 4100, limitMs: 2000, ok: false } }),
      run({ login: { p95Ms: 1200, limitMs: 2000, ok: true } }),
    ]);
    expect(access(merged)?.findings).toEqual([
      { key: 'access.silent.login', params: { seconds: 4.1, limit: 2, met: 2, measured: 3 } },
    ]);
  });
});
