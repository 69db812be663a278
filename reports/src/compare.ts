// Compares a baseline run with a candidate run for the command line: the verdict sentence, the SLOs side
// by side as plain text, and the exit code a CI gate should use. The `paspor-lab` command wires it up.
import type { Lang } from './i18n/index.ts';
import { translator } from './i18n/index.ts';
import { loadReportModel, type RenderInternals } from './load.ts';
import { formatSloTarget, formatSloValue, type ReportModel, sloLabel } from './model.ts';
import type { VerdictStatus } from './verdict.ts';

export interface CompareResult {
  status: VerdictStatus;
  proven: boolean;
  sentence: string;
  /** A few lines for a terminal: verdict, then one line per SLO (target, baseline, candidate). */
  text: string;
  /** 0 when the fix is proven, 99 otherwise (k6's "a threshold failed" code, so CI treats both alike). */
  exitCode: 0 | 99;
  model: ReportModel;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatComparisonText(model: ReportModel, lang: Lang): string {
  const tr = translator(lang);
  const head = [tr.t('col.objective'), tr.t('col.target'), tr.t('col.baseline'), tr.t('col.candidate')];
  const rows = model.candidate.slos.map((slo) => [
    sloLabel(tr, slo, model.targets).replace(/ \(.*\)$/, ''),
    formatSloTarget(tr, slo),
    formatSloValue(
      tr,
      model.baseline?.slos.find((s) => s.id === slo.id),
    ),
    formatSloValue(tr, slo),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [`${tr.t(`status.${model.status}`)}: ${model.sentence}`, '', line(head), ...rows.map(line)].join(
    '\n',
  );
}

export async function compareRunFolders(
  baselineDir: string,
  candidateDir: string,
  options: { lang?: Lang } & RenderInternals = {},
): Promise<CompareResult> {
  const lang = options.lang ?? 'en';
  const model = await loadReportModel(candidateDir, { ...options, baselineDir, lang });
  const proven = model.status === 'proven';
  return {
    status: model.status,
    proven,
    sentence: model.sentence,
    text: formatComparisonText(model, lang),
    exitCode: proven ? 0 : 99,
    model,
  };
}
