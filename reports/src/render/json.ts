// report.json: the verdict for machines (CI gates, the CLI's side-by-side summary). Field names are a
// contract: add fields, never rename them; `schemaVersion` says which contract a file follows.
import type { Lang, Translator } from '../i18n/index.ts';
import type { Journey } from '../journeys.ts';
import { type ReportModel, type RunView, runOf } from '../model.ts';
import { runnerSaturation, saturationNotes, saturationSentence } from '../runner-health.ts';
import type { VerificationView } from '../verification.ts';
import { defectClaimText, sloClaimText } from './claims.ts';
import type { ReportJson } from './report-schema.ts';
import { timelineJson, verificationAlerts } from './timeline.ts';
import { outcomeSentence, verificationOk } from './verification-html.ts';
import { budgetSentence, journeyText } from './words.ts';

export interface PdfOutcome {
  written: boolean;
  /** Why no PDF was written (Chromium missing, launch failed), for the reader of report.json. */
  note?: string;
  /** The same reason without the "no PDF" lead, for the translated note in the HTML and Markdown. */
  problem?: string;
}

function journeysJson(tr: Translator, journeys: Journey[]) {
  return journeys.map((j) => ({
    id: j.id,
    readiness: j.readiness,
    text: journeyText(tr, j),
    findings: j.findings,
  }));
}

function runJson(tr: Translator, view: RunView) {
  const m = view.folder.meta;
  const saturation = runnerSaturation(view.folder.summary);
  return {
    id: m.id,
    scenario: m.scenario,
    profile: m.profile,
    defects: m.defects,
    engine: m.engine,
    target: m.target,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    durationMs: view.folder.summary.state.testRunDurationMs,
    gitCommit: m.gitCommit,
    versions: m.versions,
    machine: m.machine,
    passed: view.assessment.passed,
    reasons: view.assessment.reasons,
    slos: view.slos,
    thresholds: view.thresholds,
    invariants: view.folder.invariants,
    checks: view.checks,
    missingFiles: view.folder.missing,
    /** The load generator was saturated: the sentence says the latency figures are not trustworthy. */
    runnerHealth: {
      saturated: saturation !== null,
      sentence: saturation && saturationSentence(tr, saturation),
    },
    journeys: journeysJson(tr, view.journeys),
    timeline: timelineJson(tr, view),
    budgets: view.budgets.map((b) => ({
      ...b,
      sentence: budgetSentence(
        tr,
        b,
        view.slos.find((s) => s.id === b.id),
      ),
    })),
  };
}

export function buildJsonReport(tr: Translator, model: ReportModel, pdf: PdfOutcome | null) {
  const lang: Lang = tr.lang;
  return {
    schemaVersion: 1 as const,
    kind: 'run' as const,
    generatedAt: model.generatedAt,
    lang,
    verdict: {
      status: model.status,
      /** true when the run passed, or the fix is proven against the baseline. */
      ok: model.status === 'pass' || model.status === 'proven',
      sentence: model.sentence,
    },
    comparison: model.comparison,
    sloTargets: model.targets,
    candidate: runJson(tr, model.candidate),
    baseline: model.baseline ? runJson(tr, model.baseline) : null,
    pdf,
  };
}

export function renderJson(tr: Translator, model: ReportModel, pdf: PdfOutcome | null): string {
  return `${JSON.stringify(buildJsonReport(tr, model, pdf), null, 2)}\n`;
}

export function buildVerificationJson(
  tr: Translator,
  view: VerificationView,
  pdf: PdfOutcome | null,
): ReportJson {
  const v = view.verification;
  const ok = verificationOk(view);
  const side = (s: VerificationView['baseline']) => ({
    label: s.label,
    runs: s.runs.length,
    journeys: journeysJson(tr, s.journeys),
    burn: s.burn,
    /** Runs whose load generator was saturated, each with its sentence. */
    saturatedRuns: saturationNotes(tr, s.runs.map(runOf), true),
    alerts: verificationAlerts([{ label: s.label, runs: s.runs }])?.[0] ?? null,
  });
  return {
    schemaVersion: 1,
    kind: 'verification',
    generatedAt: view.generatedAt,
    lang: tr.lang,
    verdict: {
      status: ok ? 'verified' : 'not-verified',
      ok,
      exitCode: v.outcome.exitCode,
      sentence: outcomeSentence(tr, view),
    },
    scenario: v.scenario,
    verification: 'verification.json',
    baseline: side(view.baseline),
    candidate: side(view.candidate),
    claims: {
      defects: v.defectClaims.map((c) => ({
        id: c.id,
        verdict: c.verdict,
        reason: defectClaimText(tr, c, v.sloClaims, v.methods.minRunsPerSide),
      })),
      slos: v.sloClaims.map((c) => ({
        id: c.id,
        verdict: c.verdict,
        reason: sloClaimText(tr, c, v.methods.minRunsPerSide),
      })),
    },
    missingRuns: view.missingRuns,
    pdf,
  };
}

export function renderVerificationJson(
  tr: Translator,
  view: VerificationView,
  pdf: PdfOutcome | null,
): string {
  return `${JSON.stringify(buildVerificationJson(tr, view, pdf), null, 2)}\n`;
}
