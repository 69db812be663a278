// Where one run's evidence lands (docs/ARCHITECTURE.md, "The run folder"): this names the folder and
// gathers run.json's facts (git, machine, versions); the files' shapes live in reports/src/contract/.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunJson } from '@paspor-lab/reports/contract';

export { RUN_FILES, writeJson } from '@paspor-lab/reports/contract';

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

/** run.json, as the contract declares it. */
export type RunMetadata = RunJson;

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
