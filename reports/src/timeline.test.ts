// The alert timeline from the alerts.json an observed run leaves (timeline.fixture.json has its shape, as
// cli/src/observe/alert-history.ts writes it): faults and alerts on the charts' clock, the time to detect
// from the fault before the alert or from the start of the load, and the three formats in both languages.
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempParent, writeRunFolder } from '../test/fixtures.ts';
import { writeVerificationFolder } from '../test/verification-fixture.ts';
import { parseFaults } from './faults.ts';
import { renderReports } from './index.ts';
import { ReportJson } from './render/report-schema.ts';
import { buildTimeline, parseAlerts, sideAlerts, type Timeline, timelineEvents } from './timeline.ts';

const FIXTURE = new URL('./timeline.fixture.json', import.meta.url);
// Second 0 of the fixture run's series opened at 09:15:00 (reports/test/fixtures.ts).
const ORIGIN = Date.parse('2026-11-28T09:15:00.000Z');

let text = '';
beforeAll(async () => {
  text = await readFile(FIXTURE, 'utf8');
});

const alerts = () => {
  const parsed = parseAlerts(text);
  if (!parsed) throw new Error('the fixture did not parse');
  return parsed;
};

describe('buildTimeline', () => {
  it("counts the time to detect from the fault injected before the alert, else from the load's start", () => {
    const outage = parseFaults(
      `${JSON.stringify({ kind: 'billing outage', startAt: '2026-11-28T09:15:12.000Z', endAt: '2026-11-28T09:15:18.000Z' })}\n`,
      ORIGIN,
    );
    const timeline = buildTimeline({ alerts: alerts(), faults: outage, originMs: ORIGIN });
    expect(timeline.faults).toEqual([{ kind: 'billing outage', fromSecond: 12, toSecond: 18 }]);
    expect(timeline.loadStartSecond).toBe(1);
    const [invariant, availability, paymentCode] = timeline.alerts;
    // The invariant broke before any fault: the rush itself is the trouble.
    expect(invariant).toMatchObject({
      firingSecond: 6,
      since: { kind: 'load', second: 1 },
      detectSeconds: 5,
      resolveSeconds: null,
    });
    expect(availability).toMatchObject({
      pendingSecond: 13,
      firingSecond: 15,
      resolvedSecond: 21,
      since: { kind: 'fault', fault: 'billing outage', second: 12 },
      detectSeconds: 3,
      resolveSeconds: 9,
    });
    expect(paymentCode).toMatchObject({ firingSecond: null, detectSeconds: null, resolveSeconds: null });
  });

  it("takes the fault windows Prometheus saw on the simulator's gauge when there is no faults.ndjson", () => {
    const timeline = buildTimeline({ alerts: alerts(), faults: [], originMs: ORIGIN });
    expect(timeline.faults).toEqual([{ kind: 'billing', fromSecond: 12, toSecond: 18 }]);
    expect(timeline.alerts[1]?.since).toEqual({ kind: 'fault', fault: 'billing', second: 12 });
  });

  it('without any fault window shows the alerts alone, timed from the start of the load', () => {
    const bare = { ...alerts(), faults: [] };
    const timeline = buildTimeline({ alerts: bare, faults: [], originMs: null });
    // No series times: the load's first second is second 0.
    expect(timeline.loadStartSecond).toBe(0);
    expect(timeline.faults).toEqual([]);
    expect(timeline.alerts.map((a) => [a.since.kind, a.detectSeconds])).toEqual([
      ['load', 5],
      ['load', 14],
      ['load', null],
    ]);
  });

  it('orders the events in time, the cause before what it caused', () => {
    const timeline = buildTimeline({ alerts: alerts(), faults: [], originMs: ORIGIN });
    expect(timelineEvents(timeline).map((e) => [e.second, e.kind])).toEqual([
      [1, 'load-start'],
      [6, 'firing'],
      [12, 'fault-start'],
      [13, 'pending'],
      [15, 'firing'],
      [16, 'pending'],
      [17, 'resolved'],
      [18, 'fault-end'],
      [21, 'resolved'],
      [30, 'load-end'],
    ]);
  });

  it('reads no timeline from a file that is not the observer’s', () => {
    expect(parseAlerts('{"alerts": ')).toBeNull();
    expect(parseAlerts('{"status": "success"}')).toBeNull();
  });
});

describe('sideAlerts', () => {
  it('counts the runs each alert fired in and takes the median of their times to detect', () => {
    const run = (detect: Record<string, number | null>): Timeline => ({
      ...buildTimeline({ alerts: { ...alerts(), faults: [] }, faults: [], originMs: null }),
      alerts: Object.entries(detect).map(([alertname, detectSeconds]) => ({
        alertname,
        severity: null,
        labels: {},
        pendingSecond: null,
        firingSecond: detectSeconds,
        resolvedSecond: null,
        since: { kind: 'load', second: 0 },
        detectSeconds,
        resolveSeconds: null,
      })),
    });
    const side = sideAlerts([run({ A: 4, B: null }), run({ A: 8 }), run({ A: 5 }), null]);
    expect(side).toEqual({
      observedRuns: 3,
      alerts: [{ name: 'A', firedInRuns: 3, medianDetectSeconds: 5 }],
    });
  });
});

describe('the report of an observed run', () => {
  let parent = '';
  let dir = '';
  beforeAll(async () => {
    parent = await tempParent();
    dir = await writeRunFolder(parent, 'legacy', { id: 'run-observed' });
    await copyFile(FIXTURE, join(dir, 'alerts.json'));
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('shows the timeline in HTML, Markdown and JSON, in English', async () => {
    await renderReports(dir, { formats: ['html', 'md', 'json'], generatedAt: '2026-11-28T09:20:00.000Z' });
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## Alerts during the run');
    expect(md).toContain('| 15 | ApiAvailabilityBurnFast firing, 3 s after the billing outage fault |');
    expect(md).toContain(
      '| 6 | InvariantViolation{invariant=slot-over-capacity} firing, 5 s after the start of the load |',
    );
    expect(md).toContain('| 21 | ApiAvailabilityBurnFast resolved, 9 s after the billing outage fault |');
    expect(md).toContain('| 17 | PaymentCodeBurnFast no longer pending, without having fired |');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Alerts during the run</h2>');
    expect(html).toContain('fault injected: billing outage');
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(Compile(ReportJson).Check(json)).toBe(true);
    expect(json.candidate.timeline.alerts[1]).toMatchObject({
      alertname: 'ApiAvailabilityBurnFast',
      detectSeconds: 3,
    });
    expect(json.candidate.timeline.events[0]).toEqual({
      second: 1,
      kind: 'load-start',
      text: 'load started',
    });
  });

  it('and in Indonesian', async () => {
    await renderReports(dir, { lang: 'id', formats: ['md'], generatedAt: '2026-11-28T09:20:00.000Z' });
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## Peringatan selama uji');
    expect(md).toContain('ApiAvailabilityBurnFast menyala, 3 detik setelah gangguan billing outage');
  });

  it('a run without alerts.json has no timeline section', async () => {
    const plain = await writeRunFolder(parent, 'hardened', { id: 'run-plain' });
    await renderReports(plain, { formats: ['md'], generatedAt: '2026-11-28T09:20:00.000Z' });
    expect(await readFile(join(plain, 'report.md'), 'utf8')).not.toContain('Alerts during the run');
  });
});

describe('the comparison report of an observed verification', () => {
  let parent = '';
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('lists per side the alerts that fired, in how many observed runs, and the median time to detect', async () => {
    parent = await tempParent();
    const root = await writeVerificationFolder(parent, { runs: 2 });
    // The two legacy runs were observed and paged; the hardened ones were observed and stayed quiet.
    const quiet = JSON.stringify({ ...alerts(), alerts: [], faults: [] });
    for (const [dir, body] of [
      ['run-0-legacy', text],
      ['run-2-legacy', text],
      ['run-1-hardened', quiet],
      ['run-3-hardened', quiet],
    ] as const) {
      await writeFile(join(root, 'runs', dir, 'alerts.json'), body);
    }
    await renderReports(root, { formats: ['md', 'json'], generatedAt: '2026-11-28T09:20:00.000Z' });
    const md = await readFile(join(root, 'report.md'), 'utf8');
    expect(md).toContain('## Alerts in the observed runs');
    expect(md).toContain('| Baseline (legacy) | ApiAvailabilityBurnFast | 2 of 2 runs | 3 s |');
    expect(md).toContain(
      '| Baseline (legacy) | InvariantViolation{invariant=slot-over-capacity} | 2 of 2 runs | 5 s |',
    );
    expect(md).toContain('| Candidate (hardened) | no alert fired | — | — |');
    const json = JSON.parse(await readFile(join(root, 'report.json'), 'utf8'));
    expect(Compile(ReportJson).Check(json)).toBe(true);
    expect(json.candidate.alerts).toEqual({ label: 'hardened', observedRuns: 2, alerts: [] });
  });
});
