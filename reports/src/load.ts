// Reads the run folders and builds the report model: shared by renderReports and compareRunFolders.
import { type FaultWindow, readFaultWindows, seriesOriginMs } from './faults.ts';
import { isLang, type Lang, translator, UnknownLanguageError } from './i18n/index.ts';
import { buildReportModel, type ReportModel } from './model.ts';
import { readRunFolder } from './run-folder.ts';
import type { SloTargets } from './slo.ts';
import { loadTimeline } from './timeline.ts';

/** Extra, non-contract settings for tests and tools: fixed clock, other SLO targets, another Chromium. */
export interface RenderInternals {
  generatedAt?: string;
  targets?: SloTargets;
  chromiumPath?: string;
}

export async function loadReportModel(
  runDir: string,
  options: { baselineDir?: string; lang?: Lang } & RenderInternals = {},
): Promise<ReportModel> {
  const lang = options.lang ?? 'en';
  if (!isLang(lang)) throw new UnknownLanguageError(String(lang));
  const [candidate, baseline] = await Promise.all([
    readRunFolder(runDir),
    options.baselineDir ? readRunFolder(options.baselineDir) : Promise.resolve(null),
  ]);
  const faultsOf = (folder: typeof candidate | null) =>
    folder ? readFaultWindows(folder.dir, seriesOriginMs(folder.timeseries)) : Promise.resolve([]);
  const [candidateFaults, baselineFaults] = await Promise.all([faultsOf(candidate), faultsOf(baseline)]);
  const timelineOf = (folder: typeof candidate | null, faults: FaultWindow[]) =>
    folder ? loadTimeline(folder.dir, faults, seriesOriginMs(folder.timeseries)) : Promise.resolve(null);
  const [candidateTimeline, baselineTimeline] = await Promise.all([
    timelineOf(candidate, candidateFaults),
    timelineOf(baseline, baselineFaults),
  ]);
  return buildReportModel({
    candidate,
    baseline,
    faults: { candidate: candidateFaults, baseline: baselineFaults },
    timelines: { candidate: candidateTimeline, baseline: baselineTimeline },
    tr: translator(lang),
    ...(options.targets ? { targets: options.targets } : {}),
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
  });
}
