// The comparison report's model: verification.json (the claims, already decided by the statistics)
// with every run folder it names read back, so the report can add what a manager reads first: the
// journeys of each side over all its runs, the error budget each side burns, and the charts of one
// run per side. Reading is here; building the view from what was read is pure.
import { join } from 'node:path';
import { readVerification } from './contract/files.ts';
import type { RunEvidence, Side, Verification } from './contract/schemas.ts';
import { readFaultWindows, seriesOriginMs } from './faults.ts';
import { assessJourneys, type Journey, mergeEvidence } from './journeys.ts';
import { buildRunView, type RunView } from './model.ts';
import { RunFolderError, readRunFolder } from './run-folder.ts';
import { DEFAULT_SLO_TARGETS, type SloId, type SloTargets } from './slo.ts';
import { loadTimeline } from './timeline.ts';

export interface SideView {
  side: Side;
  label: string;
  /** The run folders of this side, in the order they were made; a missing folder is left out (noted). */
  runs: RunView[];
  journeys: Journey[];
  /** Per SLO with a budget: the median burn rate over this side's runs and the runs it was measured in. */
  burn: Array<{
    id: SloId;
    medianBurnRate: number;
    runs: number;
    allowedBadShare: number;
    windowDays: number;
  }>;
}

export interface VerificationView {
  kind: 'verification';
  dir: string;
  verification: Verification;
  baseline: SideView;
  candidate: SideView;
  /** Run folders verification.json names but that could not be read. */
  missingRuns: string[];
  targets: SloTargets;
  generatedAt: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function buildSideView(side: Side, label: string, runs: RunView[], evidence: RunEvidence[]): SideView {
  // The attempts behind the journeys are the statistics' own (verification.json), so the two agree.
  const merged = mergeEvidence(
    runs.map((view) => {
      const ev = evidence.find((e) => e.id === view.folder.meta.id);
      return ev ? { ...view.evidence, attempts: ev.attempts } : view.evidence;
    }),
  );
  const ids = [...new Set(runs.flatMap((r) => r.budgets.map((b) => b.id)))];
  const burn = ids.flatMap((id) => {
    const budgets = runs.flatMap((r) => r.budgets.filter((b) => b.id === id));
    const first = budgets[0];
    if (!first) return [];
    return [
      {
        id,
        medianBurnRate: median(budgets.map((b) => b.burnRate)),
        runs: budgets.length,
        allowedBadShare: first.allowedBadShare,
        windowDays: first.windowDays,
      },
    ];
  });
  return { side, label, runs, journeys: assessJourneys(merged), burn };
}

async function readSide(
  dir: string,
  evidence: RunEvidence[],
  targets: SloTargets,
  missing: string[],
): Promise<RunView[]> {
  const ordered = [...evidence].sort((a, b) => a.order - b.order);
  const views: RunView[] = [];
  for (const ev of ordered) {
    const runDir = join(dir, ev.dir);
    try {
      const folder = await readRunFolder(runDir);
      const faults = await readFaultWindows(runDir, seriesOriginMs(folder.timeseries));
      const timeline = await loadTimeline(runDir, faults, seriesOriginMs(folder.timeseries));
      views.push(buildRunView(folder, targets, faults, timeline));
    } catch (error) {
      if (!(error instanceof RunFolderError)) throw error;
      missing.push(ev.dir);
    }
  }
  return views;
}

/** null when `dir` holds no verification.json (it is a run folder, or nothing). */
export async function loadVerificationView(
  dir: string,
  options: { targets?: SloTargets; generatedAt?: string } = {},
): Promise<VerificationView | null> {
  const verification = await readVerification(dir);
  if (!verification) return null;
  const targets = options.targets ?? DEFAULT_SLO_TARGETS;
  const missingRuns: string[] = [];
  const [baselineRuns, candidateRuns] = [
    await readSide(dir, verification.baseline.runs, targets, missingRuns),
    await readSide(dir, verification.candidate.runs, targets, missingRuns),
  ];
  return {
    kind: 'verification',
    dir,
    verification,
    baseline: buildSideView(
      'baseline',
      verification.baseline.label,
      baselineRuns,
      verification.baseline.runs,
    ),
    candidate: buildSideView(
      'candidate',
      verification.candidate.label,
      candidateRuns,
      verification.candidate.runs,
    ),
    missingRuns,
    targets,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
  };
}
