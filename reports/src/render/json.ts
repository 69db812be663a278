// report.json: the verdict for machines (CI gates, the CLI's side-by-side summary). Field names are a
// contract: add fields, never rename them; `schemaVersion` says which contract a file follows.
import type { Lang } from '../i18n/index.ts';
import type { ReportModel, RunView } from '../model.ts';

export interface PdfOutcome {
  written: boolean;
  /** Why no PDF was written (Chromium missing, launch failed), for the reader of report.json. */
  note?: string;
  /** The same reason without the "no PDF" lead, for the translated note in the HTML and Markdown. */
  problem?: string;
}

function runJson(view: RunView) {
  const m = view.folder.meta;
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
  };
}

export function buildJsonReport(model: ReportModel, lang: Lang, pdf: PdfOutcome | null) {
  return {
    schemaVersion: 1,
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
    candidate: runJson(model.candidate),
    baseline: model.baseline ? runJson(model.baseline) : null,
    pdf,
  };
}

export function renderJson(model: ReportModel, lang: Lang, pdf: PdfOutcome | null): string {
  return `${JSON.stringify(buildJsonReport(model, lang, pdf), null, 2)}\n`;
}
