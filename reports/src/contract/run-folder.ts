// Reads one run folder (docs/ARCHITECTURE.md, "The run folder") into the typed values of schemas.ts.
// Parsing is tolerant on purpose: the runner, real k6 and older runs write slightly different shapes, and a report of a run
// that lacks a file is still worth more than no report, so only run.json and summary.json are required.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimePoint } from '../timeseries.ts';
import { parseTimeseries } from '../timeseries.ts';
import type { InvariantReport, K6Group, K6Metric, K6Summary, ServerSample } from './schemas.ts';

export type {
  InvariantReport,
  InvariantResult,
  K6Check,
  K6Group,
  K6Metric,
  K6Summary,
  ServerSample,
} from './schemas.ts';

export class RunFolderError extends Error {
  readonly code: 'RUN_FOLDER_UNREADABLE' | 'RUN_FOLDER_INVALID';
  readonly path: string;
  constructor(code: RunFolderError['code'], path: string, message: string) {
    super(message);
    this.name = 'RunFolderError';
    this.code = code;
    this.path = path;
  }
}

export interface RunMeta {
  id: string;
  scenario: string;
  profile: string | null;
  defects: string[];
  engine: string | null;
  target: string | null;
  startedAt: string | null;
  endedAt: string | null;
  versions: Record<string, string>;
  gitCommit: string | null;
  machine: Record<string, string>;
  /** Set when the run could not be done (the engine failed): then no verdict can be a pass. */
  error: string | null;
  /** breakpoint only: the offered rate at which the first SLO broke. */
  knee: { ratePerSec: number; atSecond: number; reason: string } | null;
}

export type OptionalFile = 'run.json' | 'timeseries.ndjson' | 'server.ndjson' | 'invariants.json';

export interface RunFolder {
  dir: string;
  meta: RunMeta;
  summary: K6Summary;
  timeseries: TimePoint[];
  server: ServerSample[];
  /** null when the run folder has no invariants.json (e.g. a run against a target without admin access). */
  invariants: InvariantReport | null;
  /** Optional files the folder lacks: the report says so rather than failing. */
  missing: OptionalFile[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

/** Flattens a nested object of scalars into "a.b: value" pairs for the metadata table. */
function flattenScalars(value: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [key, inner] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(inner)) Object.assign(out, flattenScalars(inner, name));
    else if (Array.isArray(inner)) out[name] = inner.map(String).join(', ');
    else if (inner !== null && inner !== undefined) out[name] = String(inner);
  }
  return out;
}

function instant(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  return str(value);
}

function parseKnee(raw: unknown): RunMeta['knee'] {
  if (!isObject(raw)) return null;
  const ratePerSec = num(raw.ratePerSec);
  if (ratePerSec === null) return null;
  return { ratePerSec, atSecond: num(raw.atSecond) ?? 0, reason: str(raw.reason) ?? '' };
}

export function parseRunMeta(raw: unknown, fallbackId: string): RunMeta {
  const json = isObject(raw) ? raw : {};
  const git = json.git;
  const defectsRaw = json.defects;
  const defects = Array.isArray(defectsRaw)
    ? defectsRaw.map(String)
    : typeof defectsRaw === 'string' && defectsRaw
      ? defectsRaw.split(',').map((d) => d.trim())
      : [];
  // The target is a URL, or an object holding the service URLs ({url, billingUrl, startedByRun}).
  const target = isObject(json.target)
    ? Object.values(flattenScalars(json.target))
        .filter((v) => /^[a-z]+:\/\//i.test(v))
        .join(', ') || null
    : str(json.target);
  return {
    id: str(json.id) ?? fallbackId,
    scenario: str(json.scenario) ?? 'unknown',
    profile: str(json.profile),
    defects,
    engine: str(json.engine),
    target,
    startedAt: instant(json.startedAt ?? json.start),
    endedAt: instant(json.endedAt ?? json.end),
    versions: flattenScalars(json.versions),
    gitCommit: isObject(git) ? str(git.commit) : (str(json.gitCommit) ?? str(json.commit) ?? str(git)),
    machine: isObject(json.machine)
      ? flattenScalars(json.machine)
      : str(json.machine)
        ? { name: String(json.machine) }
        : {},
    error: isObject(json.verdict) ? str(json.verdict.error) : str(json.error),
    knee: parseKnee(json.knee),
  };
}

function parseGroup(raw: unknown): K6Group {
  const json = isObject(raw) ? raw : {};
  const checksRaw = json.checks;
  // k6 writes checks as an array; older exports wrote an object keyed by name.
  const checkList = Array.isArray(checksRaw)
    ? checksRaw
    : isObject(checksRaw)
      ? Object.values(checksRaw)
      : [];
  const groupsRaw = json.groups;
  const groupList = Array.isArray(groupsRaw)
    ? groupsRaw
    : isObject(groupsRaw)
      ? Object.values(groupsRaw)
      : [];
  return {
    name: str(json.name) ?? '',
    path: str(json.path) ?? '',
    checks: checkList.filter(isObject).map((c) => ({
      name: str(c.name) ?? '',
      passes: num(c.passes) ?? 0,
      fails: num(c.fails) ?? 0,
    })),
    groups: groupList.map(parseGroup),
  };
}

const METRIC_TYPES = new Set(['counter', 'gauge', 'rate', 'trend']);

export function parseSummary(raw: unknown, path = 'summary.json'): K6Summary {
  if (!isObject(raw) || !isObject(raw.metrics)) {
    throw new RunFolderError(
      'RUN_FOLDER_INVALID',
      path,
      `${path} has no "metrics" object: is it a k6 summary?`,
    );
  }
  const metrics: Record<string, K6Metric> = {};
  for (const [name, m] of Object.entries(raw.metrics)) {
    if (!isObject(m)) continue;
    const values: Record<string, number> = {};
    if (isObject(m.values)) {
      for (const [k, v] of Object.entries(m.values)) {
        const n = num(v);
        if (n !== null) values[k] = n;
      }
    }
    const type = METRIC_TYPES.has(String(m.type)) ? (m.type as K6Metric['type']) : 'trend';
    const contains = m.contains === 'time' || m.contains === 'data' ? m.contains : 'default';
    const metric: K6Metric = { type, contains, values };
    if (isObject(m.thresholds)) {
      metric.thresholds = {};
      for (const [expr, th] of Object.entries(m.thresholds)) {
        metric.thresholds[expr] = { ok: isObject(th) ? th.ok !== false : th !== false };
      }
    }
    metrics[name] = metric;
  }
  const state = isObject(raw.state) ? raw.state : {};
  return {
    root_group: parseGroup(raw.root_group),
    options: isObject(raw.options) ? raw.options : {},
    state: {
      testRunDurationMs: num(state.testRunDurationMs) ?? 0,
      // The embedded runner's own health, read by runner-health.ts (kept as written).
      ...(isObject(state.runnerHealth) ? { runnerHealth: state.runnerHealth } : {}),
    },
    metrics,
  };
}

export function parseInvariants(raw: unknown): InvariantReport {
  const json = isObject(raw) ? raw : {};
  const list = Array.isArray(json.invariants) ? json.invariants.filter(isObject) : [];
  const invariants = list.map((inv) => ({
    name: str(inv.name) ?? 'unnamed',
    description: str(inv.description),
    violations: num(inv.violations) ?? 0,
    examples: Array.isArray(inv.examples) ? inv.examples : [],
  }));
  const ok = typeof json.ok === 'boolean' ? json.ok : invariants.every((i) => i.violations === 0);
  return { ok, invariants };
}

/** server.ndjson: one object per sample; numeric fields (nested ones flattened) become values. */
export function parseServerSamples(text: string): ServerSample[] {
  const samples: ServerSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue; // a torn last line from a killed run is expected; skip it
    }
    if (!isObject(json)) continue;
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(flattenScalars(json))) {
      const n = num(v);
      if (n !== null && k !== 'second') values[k] = n;
    }
    samples.push({
      second: num(json.second),
      t: instant(json.t ?? json.time ?? json.ts),
      values,
      error: str(json.error),
    });
  }
  return samples;
}

/** The file's text, or null when it does not exist; any other failure is RUN_FOLDER_UNREADABLE. */
export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RunFolderError(
      'RUN_FOLDER_UNREADABLE',
      path,
      `cannot read ${path}: ${(error as Error).message}`,
    );
  }
}

export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RunFolderError(
      'RUN_FOLDER_INVALID',
      path,
      `${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

export async function readRunFolder(dir: string): Promise<RunFolder> {
  const missing: OptionalFile[] = [];
  const runPath = join(dir, 'run.json');
  const summaryPath = join(dir, 'summary.json');
  const [runText, summaryText, seriesText, serverText, invText] = await Promise.all([
    readText(runPath),
    readText(summaryPath),
    readText(join(dir, 'timeseries.ndjson')),
    readText(join(dir, 'server.ndjson')),
    readText(join(dir, 'invariants.json')),
  ]);
  if (summaryText === null) {
    throw new RunFolderError(
      'RUN_FOLDER_UNREADABLE',
      summaryPath,
      `${dir} has no summary.json: pass the folder of a finished run (e.g. runs/<run-id>)`,
    );
  }
  if (runText === null) missing.push('run.json');
  if (seriesText === null) missing.push('timeseries.ndjson');
  if (serverText === null) missing.push('server.ndjson');
  if (invText === null) missing.push('invariants.json');
  const folderName = dir.split(/[\\/]/).filter(Boolean).pop() ?? 'run';
  return {
    dir,
    meta: parseRunMeta(runText === null ? {} : parseJson(runText, runPath), folderName),
    summary: parseSummary(parseJson(summaryText, summaryPath), summaryPath),
    timeseries: seriesText === null ? [] : parseTimeseries(seriesText),
    server: serverText === null ? [] : parseServerSamples(serverText),
    invariants: invText === null ? null : parseInvariants(parseJson(invText, join(dir, 'invariants.json'))),
    missing,
  };
}
