// Everything a report says, computed once from the run folders and shared by the HTML, Markdown and
// JSON renderers so the three can never disagree. Pure: no I/O here.

import { judgeRun } from './contract/judge.ts';
import type { FaultWindow } from './faults.ts';
import type { Translator } from './i18n/index.ts';
import {
  ACCESS_TASKS,
  type AccessTask,
  assessJourneys,
  type ClearAnswer,
  type Journey,
  type JourneyEvidence,
  runEvidence,
} from './journeys.ts';
import type { InvariantResult, K6Check, K6Group, RunFolder } from './run-folder.ts';
import { saturationNotes } from './runner-health.ts';
import { counterIncreases } from './server.ts';
import {
  DEFAULT_SLO_TARGETS,
  type ErrorBudget,
  errorBudgets,
  type SloResult,
  type SloTargets,
  type ThresholdResult,
} from './slo.ts';
import type { Timeline } from './timeline.ts';
import {
  type Comparison,
  compareAssessments,
  type FailureReason,
  isSloId,
  type RunAssessment,
  type VerdictStatus,
  verdictStatus,
} from './verdict.ts';

export interface RunView {
  folder: RunFolder;
  slos: SloResult[];
  thresholds: ThresholdResult[];
  checks: Array<K6Check & { group: string }>;
  assessment: RunAssessment;
  /** The error budget each measured SLO spent, and how fast. */
  budgets: ErrorBudget[];
  /** What the journeys are judged on; merged over runs in a verification. */
  evidence: JourneyEvidence;
  /** The three user journeys: ready, at risk, not ready or not tested. */
  journeys: Journey[];
  /** Windows of injected faults, to shade the charts (faults.ts). */
  faults: FaultWindow[];
  /** Faults and alerts in time order, when the run was observed (--observe, timeline.ts). */
  timeline: Timeline | null;
}

export interface ReportModel {
  candidate: RunView;
  baseline: RunView | null;
  comparison: Comparison | null;
  status: VerdictStatus;
  sentence: string;
  lead: string;
  targets: SloTargets;
  generatedAt: string;
}

function flattenChecks(group: K6Group): Array<K6Check & { group: string }> {
  return [
    ...group.checks.map((c) => ({ ...c, group: group.path })),
    ...group.groups.flatMap((g) => flattenChecks(g)),
  ];
}

/** Counters a scenario keeps of its booking answers (load-scenarios/lib/metrics.ts). */
const CLIENT_ATTEMPTS = ['seats_held', 'quota_exhausted', 'shed_responses', 'request_timeouts'];

/**
 * Booking attempts a run made: the service's own count of answers (every outcome label of
 * mpaspor_booking_attempts_total) when it was sampled, else the scenario's counters of its answers.
 */
export function bookingAttempts(folder: RunFolder): number | null {
  const increases = counterIncreases(folder.server);
  let server = 0;
  let seen = false;
  for (const [key, value] of increases) {
    if (key.startsWith('mpaspor_booking_attempts_total')) {
      server += value;
      seen = true;
    }
  }
  if (seen) return server;
  const client = CLIENT_ATTEMPTS.map((m) => folder.summary.metrics[m]?.values.count).filter(
    (v): v is number => v !== undefined,
  );
  return client.length > 0 ? client.reduce((a, b) => a + b, 0) : null;
}

/** The service received payment notices: the pay journey was exercised. */
function paymentsSeen(folder: RunFolder): boolean {
  for (const [key, value] of counterIncreases(folder.server)) {
    if (key.startsWith('mpaspor_payment_notices_total') && value > 0) return true;
  }
  return false;
}

/**
 * outage-2023's time to the first useful answer, per task (`first_clear_answer{task:...}`): its p95 and
 * whether the threshold on it held; a task the run did not measure is left out.
 */
function clearAnswers(folder: RunFolder): Partial<Record<AccessTask, ClearAnswer>> {
  const out: Partial<Record<AccessTask, ClearAnswer>> = {};
  for (const task of ACCESS_TASKS) {
    const metric = folder.summary.metrics[`first_clear_answer{task:${task}}`];
    const p95 = metric?.values['p(95)'];
    if (!metric || typeof p95 !== 'number') continue;
    const thresholds = Object.entries(metric.thresholds ?? {});
    const limit = thresholds
      .map(([expression]) => /^p\(95\)\s*<=?\s*([\d.]+)$/.exec(expression)?.[1])
      .find((value) => value !== undefined);
    out[task] = {
      p95Ms: p95,
      limitMs: limit === undefined ? null : Number(limit),
      ok: thresholds.every(([, t]) => t.ok),
    };
  }
  return out;
}

export function buildRunView(
  folder: RunFolder,
  targets: SloTargets = DEFAULT_SLO_TARGETS,
  faults: FaultWindow[] = [],
  timeline: Timeline | null = null,
): RunView {
  // The one judgement of a run (contract/judge.ts); an old folder without invariants.json is a note.
  const assessment = judgeRun({
    scenario: folder.meta.scenario,
    summary: folder.summary,
    invariants: folder.invariants,
    runError: folder.meta.error,
    targets,
    invariantsRequired: false,
  });
  const evidence = runEvidence({
    slos: assessment.slos,
    invariants: folder.invariants,
    attempts: bookingAttempts(folder),
    paymentsSeen: paymentsSeen(folder),
    clearAnswers: clearAnswers(folder),
  });
  return {
    folder,
    slos: assessment.slos,
    thresholds: assessment.thresholds,
    checks: flattenChecks(folder.summary.root_group),
    assessment,
    budgets: errorBudgets(folder.summary, assessment.slos, targets),
    evidence,
    journeys: assessJourneys(evidence),
    faults,
    timeline,
  };
}

export function describeReason(tr: Translator, reason: FailureReason, targets: SloTargets): string {
  if (reason.kind === 'run') return tr.t('reason.runError', { error: reason.detail ?? '' });
  if (reason.kind === 'threshold') return tr.t('reason.threshold', { key: reason.key });
  if (reason.kind === 'invariant') {
    if (reason.key === 'invariants') return tr.t('reason.invariantCheck');
    return tr.t('reason.invariant', { key: reason.key, count: tr.number(reason.count ?? 0, 0) });
  }
  if (isSloId(reason.key)) {
    return tr.t(`sloShort.${reason.key}`, { seconds: tr.number(targets.paymentCodeSeconds) });
  }
  return reason.key;
}

/** "a, b and 2 more": a verdict is one sentence, so long lists are cut after a few reasons. */
export function describeReasons(
  tr: Translator,
  reasons: FailureReason[],
  targets: SloTargets,
  max = 5,
): string {
  const shown = reasons.slice(0, max).map((r) => describeReason(tr, r, targets));
  if (reasons.length > max) shown.push(tr.t('reason.more', { count: reasons.length - max }));
  return tr.list(shown);
}

/**
 * The reasons worth a sentence: a failed threshold on the very metric a failed SLO was read from says
 * the same thing twice ("p95 latency" and "threshold http_req_duration{step:book} p(95)<500"), so only
 * the SLO, in plain words, is named. The tables still list both.
 */
export function headlineReasons(view: RunView, reasons: FailureReason[]): FailureReason[] {
  const covered = new Set(view.slos.filter((s) => s.ok === false && s.source).map((s) => s.source));
  return reasons.filter((r) => r.kind !== 'threshold' || !r.metric || !covered.has(r.metric));
}

export function verdictSentence(
  tr: Translator,
  candidate: RunView,
  baseline: RunView | null,
  comparison: Comparison | null,
  targets: SloTargets = DEFAULT_SLO_TARGETS,
): string {
  const c = candidate.folder.meta;
  if (!baseline || !comparison) {
    return candidate.assessment.passed
      ? tr.t('verdict.pass', { run: c.id, scenario: c.scenario })
      : tr.t('verdict.fail', {
          run: c.id,
          scenario: c.scenario,
          reasons: describeReasons(tr, headlineReasons(candidate, candidate.assessment.reasons), targets),
        });
  }
  const b = baseline.folder.meta;
  if (comparison.proven) {
    return tr.t('verdict.proven', {
      baseline: b.id,
      candidate: c.id,
      reasons: describeReasons(tr, headlineReasons(baseline, comparison.resolved), targets),
    });
  }
  switch (comparison.cause) {
    case 'different-scenario':
      return tr.t('verdict.not-proven.different-scenario', {
        baselineScenario: b.scenario,
        candidateScenario: c.scenario,
      });
    case 'baseline-incomplete':
      return tr.t('verdict.not-proven.baseline-incomplete', { baseline: b.id, error: b.error ?? '' });
    case 'baseline-passed':
      return tr.t('verdict.not-proven.baseline-passed', { baseline: b.id });
    case 'candidate-failed':
      return tr.t('verdict.not-proven.candidate-failed', {
        candidate: c.id,
        reasons: describeReasons(tr, headlineReasons(candidate, comparison.remaining), targets),
      });
    case 'not-measured':
      return tr.t('verdict.not-proven.not-measured', {
        candidate: c.id,
        reasons: describeReasons(tr, headlineReasons(baseline, comparison.unmeasured), targets),
      });
  }
}

export function buildReportModel(input: {
  candidate: RunFolder;
  baseline: RunFolder | null;
  tr: Translator;
  targets?: SloTargets;
  generatedAt?: string;
  faults?: { candidate: FaultWindow[]; baseline: FaultWindow[] };
  timelines?: { candidate: Timeline | null; baseline: Timeline | null };
}): ReportModel {
  const targets = input.targets ?? DEFAULT_SLO_TARGETS;
  const candidate = buildRunView(
    input.candidate,
    targets,
    input.faults?.candidate,
    input.timelines?.candidate,
  );
  const baseline = input.baseline
    ? buildRunView(input.baseline, targets, input.faults?.baseline, input.timelines?.baseline)
    : null;
  const comparison = baseline ? compareAssessments(baseline.assessment, candidate.assessment) : null;
  const status = verdictStatus(candidate.assessment, comparison);
  return {
    candidate,
    baseline,
    comparison,
    status,
    sentence: verdictSentence(input.tr, candidate, baseline, comparison, targets),
    lead: input.tr.t(`lead.${status}`),
    targets,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
  };
}

// Shared value formatting for the renderers.

/** A run as runner-health.ts reads it. */
export function runOf(view: RunView): { id: string; summary: RunFolder['summary'] } {
  return { id: view.folder.meta.id, summary: view.folder.summary };
}

const MISSING_NOTE = {
  'run.json': 'note.missingRun',
  'timeseries.ndjson': 'note.missingTimeseries',
  'server.ndjson': 'note.missingServer',
  'invariants.json': 'note.missingInvariants',
} as const;

/**
 * The notes under a report: a run whose load generator was saturated (its latency figures are not
 * trustworthy), files a run folder lacks, and why there is no PDF (`pdfProblem`).
 */
export function reportNotes(tr: Translator, model: ReportModel, pdfProblem: string | null = null): string[] {
  const runs = model.baseline ? [model.baseline, model.candidate] : [model.candidate];
  const notes = saturationNotes(tr, runs.map(runOf), model.baseline !== null);
  for (const view of runs)
    for (const file of view.folder.missing) {
      const note = tr.t(MISSING_NOTE[file]);
      notes.push(model.baseline ? `${view.folder.meta.id}: ${note}` : note);
    }
  if (pdfProblem) notes.push(tr.t('note.noPdf', { reason: pdfProblem }));
  return notes;
}

/** The rule an invariant states, in the report's language when known, else as the target worded it. */
export function invariantRule(tr: Translator, inv: InvariantResult): string | null {
  const key = `inv.${inv.name}`;
  return tr.has(key) ? tr.t(key) : inv.description;
}

export function formatSloNumber(tr: Translator, unit: SloResult['unit'], value: number): string {
  switch (unit) {
    case 'ratio':
      return tr.percent(value, 2);
    case 'ms':
      return `${tr.number(value, 1)} ${tr.t('unit.ms')}`;
    case 's':
      return `${tr.number(value, 1)} ${tr.t('unit.s')}`;
    case 'count':
      return tr.number(value, 0);
  }
}

export function formatSloTarget(tr: Translator, slo: SloResult): string {
  return `${slo.op === '>=' ? '≥' : '≤'} ${formatSloNumber(tr, slo.unit, slo.target)}`;
}

/** The figure alone ("212,4 ms"), or a dash when only a threshold told the result, or "not measured". */
export function formatSloFigure(tr: Translator, slo: SloResult | undefined): string {
  if (!slo || (slo.value === null && slo.ok === null)) return tr.t('value.notMeasured');
  return slo.value === null ? '—' : formatSloNumber(tr, slo.unit, slo.value);
}

export function formatSloValue(tr: Translator, slo: SloResult | undefined): string {
  if (!slo) return tr.t('value.notMeasured');
  const status = slo.ok === null ? '' : ` (${slo.ok ? tr.t('value.ok') : tr.t('value.notOk')})`;
  if (slo.value === null) return slo.ok === null ? tr.t('value.notMeasured') : `—${status}`;
  return `${formatSloNumber(tr, slo.unit, slo.value)}${status}`;
}

export function sloLabel(tr: Translator, slo: SloResult, targets: SloTargets): string {
  return tr.t(`slo.${slo.id}`, { seconds: tr.number(targets.paymentCodeSeconds) });
}

export function formatDuration(tr: Translator, ms: number): string {
  return `${tr.number(ms / 1000, 1)} ${tr.t('unit.s')}`;
}

/** Byte counts read better in GiB ("memoryBytes: 23.5 GiB"). */
function machineValue(tr: Translator, key: string, value: string): string {
  const n = Number(value);
  return /bytes$/i.test(key) && Number.isFinite(n) ? `${tr.number(n / 2 ** 30, 1)} GiB` : value;
}

/** Metadata rows, in a fixed order, for one or two runs. */
export function metadataRows(tr: Translator, view: RunView): Array<[string, string]> {
  const m = view.folder.meta;
  const rows: Array<[string, string]> = [
    [tr.t('meta.id'), m.id],
    [tr.t('meta.scenario'), m.scenario],
    [tr.t('meta.profile'), m.profile ?? '—'],
    [tr.t('meta.defects'), m.defects.length > 0 ? m.defects.join(', ') : '—'],
    [tr.t('meta.engine'), m.engine ?? '—'],
    [tr.t('meta.target'), m.target ?? '—'],
    [tr.t('meta.startedAt'), m.startedAt ? tr.dateTime(m.startedAt) : '—'],
    [tr.t('meta.endedAt'), m.endedAt ? tr.dateTime(m.endedAt) : '—'],
    [tr.t('meta.duration'), formatDuration(tr, view.folder.summary.state.testRunDurationMs)],
    [tr.t('meta.gitCommit'), m.gitCommit ?? '—'],
    [
      tr.t('meta.versions'),
      Object.entries(m.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '—',
    ],
    [
      tr.t('meta.machine'),
      Object.entries(m.machine)
        .map(([k, v]) => `${k}: ${machineValue(tr, k, v)}`)
        .join(', ') || '—',
    ],
  ];
  if (m.knee) {
    rows.push([
      tr.t('meta.knee'),
      tr.t('value.knee', {
        rate: tr.number(m.knee.ratePerSec, 1),
        second: tr.number(m.knee.atSecond, 0),
        reason: m.knee.reason,
      }),
    ]);
  }
  if (m.error) rows.push([tr.t('meta.error'), m.error]);
  return rows;
}
