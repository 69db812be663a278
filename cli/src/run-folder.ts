// The run folder (ARCHITECTURE.md): where one run's evidence lands. This module names the folder and
// writes run.json and invariants.json; the engine writes summary.json and timeseries.ndjson, the
// sampler server.ndjson, the report renderer report.*.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const RUN_FILES = {
  run: 'run.json',
  summary: 'summary.json',
  timeseries: 'timeseries.ndjson',
  server: 'server.ndjson',
  invariants: 'invariants.json',
} as const;

/** e.g. 20261128-103015-quota-rush-legacy-3fa2: sortable by time, readable, unique. */
export function makeRunId(scenario: string, profile: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${scenario}-${profile}-${randomBytes(2).toString('hex')}`;
}

export function createRunDir(id: string, out: string | undefined, cwd = process.cwd()): string {
  const dir = out ? resolve(cwd, out) : join(cwd, 'runs', id);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface RunMetadata {
  id: string;
  scenario: string;
  short: boolean;
  profile: string;
  defects: string[];
  engine: string;
  target: { url: string; billingUrl: string; startedByRun: boolean };
  startedAt: string;
  endedAt: string;
  versions: Record<string, string>;
  git: { commit: string | null; dirty: boolean | null };
  machine: {
    hostname: string;
    platform: string;
    release: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
  };
  verdict: {
    exitCode: number;
    passed: boolean;
    failedThresholds: string[];
    violatedInvariants: { name: string; violations: number }[];
    error?: string;
  };
  /** breakpoint only: the offered arrival rate (iterations/s) when the first SLO broke. */
  knee?: { ratePerSec: number; atSecond: number; reason: string } | null;
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function gitState(cwd: string): RunMetadata['git'] {
  const commit = git(['rev-parse', 'HEAD'], cwd);
  const status = commit === null ? null : git(['status', '--porcelain'], cwd);
  return { commit, dirty: status === null ? null : status.length > 0 };
}

export function machineInfo(): RunMetadata['machine'] {
  const list = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    release: release(),
    arch: arch(),
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
  };
}

export function toolVersions(repoRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  let harness = 'unknown';
  try {
    harness = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    // A copy without package.json still runs; the version is then unknown.
  }
  return { 'paspor-lab': harness, node: process.version, ...extra };
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}
