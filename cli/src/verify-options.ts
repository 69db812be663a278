// `paspor-lab verify` flags, validated into one typed object before anything is started or written.
// Every mistake is a UsageError: one line naming what is wrong and how to mend it (exit 2).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFECT_IDS, PROFILES, type Profile } from '@paspor-lab/target-api/defects';
import { parseRunOptions, type RunOptions, UsageError } from './run-options.ts';

export const LANGS = ['en', 'id'] as const;
export type Lang = (typeof LANGS)[number];
export const FORMATS = ['html', 'md', 'json', 'pdf'] as const;
export type Format = (typeof FORMATS)[number];
export const MAX_RUNS = 50;

export interface VerifyFlags {
  baseline?: string;
  baselineDefects?: string;
  candidate?: string;
  candidateDefects?: string;
  runs?: string;
  short?: boolean;
  lang?: string;
  format?: string;
  out?: string;
  engine?: string;
  target?: string;
  billingTarget?: string;
  adminToken?: string;
}

export interface SideOptions {
  /** "legacy", "hardened" or "defects: a,b" (as said on the command line). */
  label: string;
  /** The run options of every run of this side (out is set per run). */
  run: RunOptions;
}

export interface VerifyOptions {
  scenario: RunOptions['scenario'];
  baseline: SideOptions;
  candidate: SideOptions;
  runs: number;
  short: boolean;
  lang: Lang;
  formats: Format[];
  /** The verification folder (absolute); default ./runs/<verification-id>. */
  out: string | undefined;
}

function side(
  name: 'baseline' | 'candidate',
  profileFlag: string | undefined,
  defectsFlag: string | undefined,
  fallback: Profile,
): { profile: Profile; defects: string | undefined; label: string } {
  if (profileFlag !== undefined && defectsFlag !== undefined) {
    throw new UsageError(`--${name} and --${name}-defects both say what the ${name} runs: keep one of them`);
  }
  if (profileFlag !== undefined && !(PROFILES as readonly string[]).includes(profileFlag)) {
    throw new UsageError(
      `unknown --${name} profile "${profileFlag}": valid profiles are ${PROFILES.join(', ')}`,
    );
  }
  if (defectsFlag !== undefined) {
    const ids = defectsFlag
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    const unknown = ids.find((id) => !(DEFECT_IDS as readonly string[]).includes(id));
    if (unknown !== undefined) {
      throw new UsageError(
        `unknown defect "${unknown}" in --${name}-defects: valid defects are ${DEFECT_IDS.join(', ')}`,
      );
    }
    return { profile: fallback, defects: ids.join(','), label: `defects: ${ids.join(',') || 'none'}` };
  }
  const profile = (profileFlag ?? fallback) as Profile;
  return { profile, defects: undefined, label: profile };
}

export function parseRuns(raw: string | undefined, short: boolean): number {
  if (raw === undefined) return short ? 3 : 5;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_RUNS) {
    throw new UsageError(`--runs "${raw}" is not a whole number from 1 to ${MAX_RUNS}; for example --runs 5`);
  }
  return Number(raw);
}

export function parseLang(raw: string | undefined, env: Record<string, string | undefined>): Lang {
  const value = raw ?? (env.PASPOR_LANG || 'en');
  if (!(LANGS as readonly string[]).includes(value)) {
    const from = raw === undefined ? 'PASPOR_LANG' : '--lang';
    throw new UsageError(`unknown language "${value}" (${from}): use --lang en or --lang id`);
  }
  return value as Lang;
}

export function parseFormats(raw: string | undefined): Format[] {
  if (raw === undefined) return [...FORMATS];
  const list = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = list.find((f) => !(FORMATS as readonly string[]).includes(f));
  if (unknown !== undefined || list.length === 0) {
    throw new UsageError(
      `unknown report format "${unknown ?? raw}": use some of ${FORMATS.join(',')}, e.g. --format html,md`,
    );
  }
  return [...new Set(list)] as Format[];
}

/** An --out that already holds files would mix two verifications: refuse it rather than overwrite. */
function outDir(raw: string | undefined, cwd: string): string | undefined {
  if (raw === undefined) return undefined;
  const dir = resolve(cwd, raw);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw new UsageError(`--out "${raw}" is a file: name a new or empty folder`);
    if (readdirSync(dir).length > 0) {
      throw new UsageError(
        `--out "${raw}" is not empty: name a new or empty folder, so no earlier result is overwritten`,
      );
    }
  }
  return dir;
}

export function parseVerifyOptions(
  scenario: string,
  flags: VerifyFlags,
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): VerifyOptions {
  const short = flags.short === true;
  const base = side('baseline', flags.baseline, flags.baselineDefects, 'legacy');
  const cand = side('candidate', flags.candidate, flags.candidateDefects, 'hardened');
  const common = {
    short,
    engine: flags.engine,
    target: flags.target,
    billingTarget: flags.billingTarget,
    adminToken: flags.adminToken,
  };
  // parseRunOptions checks the scenario, the engine and the target the same way `run` does.
  const runOf = (s: typeof base): RunOptions =>
    parseRunOptions(
      scenario,
      { ...common, profile: s.profile, ...(s.defects !== undefined ? { defects: s.defects } : {}) },
      env,
    );
  const baselineRun = runOf(base);
  const candidateRun = runOf(cand);
  return {
    scenario: baselineRun.scenario,
    baseline: { label: base.label, run: baselineRun },
    candidate: { label: cand.label, run: candidateRun },
    runs: parseRuns(flags.runs, short),
    short,
    lang: parseLang(flags.lang, env),
    formats: parseFormats(flags.format),
    out: outDir(flags.out, cwd),
  };
}
