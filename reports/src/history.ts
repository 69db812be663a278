// The history of a runs folder: every run found there (plain run folders, and the runs inside
// verification folders), oldest first, with its date, commit, profile, verdict and headline figures.
// Only run.json, summary.json and invariants.json are read: the per-second series of a long run are
// not needed for a trend, and a history of hundreds of runs must stay quick.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { judgeRun } from './contract/judge.ts';
import { parseInvariants, parseRunMeta, parseSummary, RunFolderError } from './run-folder.ts';
import type { SloId } from './slo.ts';

export interface HistoryEntry {
  id: string;
  /** The run folder, relative to the history's folder. */
  dir: string;
  scenario: string;
  startedAt: string | null;
  commit: string | null;
  profile: string | null;
  defects: string[];
  passed: boolean;
  exitCode: number;
  /** SLO figures by id (null: not measured). */
  figures: Partial<Record<SloId, number | null>>;
  violations: number | null;
}

export interface History {
  dir: string;
  scenario: string | null;
  entries: HistoryEntry[];
  /** Scenarios found, for the reader who asked for one that is not there. */
  scenarios: string[];
}

/** How deep run folders are looked for: <runs>/<run>, <runs>/<verification>/runs/<run>. */
const MAX_DEPTH = 3;

async function findRunFolders(dir: string, depth = 0): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (depth === 0) {
      throw new RunFolderError(
        'RUN_FOLDER_UNREADABLE',
        dir,
        `cannot read ${dir}: ${(error as Error).message}`,
      );
    }
    return [];
  }
  if (entries.some((e) => e.isFile() && e.name === 'summary.json')) return [dir];
  if (depth >= MAX_DEPTH) return [];
  const nested = await Promise.all(
    entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => findRunFolders(join(dir, e.name), depth + 1)),
  );
  return nested.flat();
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null; // a torn or missing file: the entry shows what is known
  }
}

async function entryOf(root: string, dir: string): Promise<HistoryEntry | null> {
  const [runJson, summaryJson, invJson] = await Promise.all([
    readJson(join(dir, 'run.json')),
    readJson(join(dir, 'summary.json')),
    readJson(join(dir, 'invariants.json')),
  ]);
  if (summaryJson === null) return null;
  let summary: ReturnType<typeof parseSummary>;
  try {
    summary = parseSummary(summaryJson, join(dir, 'summary.json'));
  } catch {
    return null; // not a k6 summary: not a run folder
  }
  const meta = parseRunMeta(runJson ?? {}, dir.split(/[\\/]/).filter(Boolean).pop() ?? 'run');
  const invariants = invJson === null ? null : parseInvariants(invJson);
  const judged = judgeRun({
    scenario: meta.scenario,
    summary,
    invariants,
    runError: meta.error,
    invariantsRequired: false,
  });
  const figures: HistoryEntry['figures'] = {};
  for (const slo of judged.slos) if (slo.id !== 'invariants') figures[slo.id] = slo.value;
  return {
    id: meta.id,
    dir: relative(root, dir) || '.',
    scenario: meta.scenario,
    startedAt: meta.startedAt,
    commit: meta.gitCommit,
    profile:
      meta.defects.length > 0 && meta.profile === null ? `defects: ${meta.defects.join(',')}` : meta.profile,
    defects: meta.defects,
    passed: judged.passed,
    exitCode: judged.exitCode,
    figures,
    violations: invariants ? invariants.invariants.reduce((sum, i) => sum + i.violations, 0) : null,
  };
}

export async function loadHistory(dir: string, scenario: string | null = null): Promise<History> {
  const folders = await findRunFolders(dir);
  const all = (await Promise.all(folders.map((f) => entryOf(dir, f)))).filter((e) => e !== null);
  const scenarios = [...new Set(all.map((e) => e.scenario))].sort();
  const entries = all
    .filter((e) => scenario === null || e.scenario === scenario)
    .sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id));
  return { dir, scenario, entries, scenarios };
}
