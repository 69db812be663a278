// `paspor-lab run` flags, validated into one typed object. Every mistake is a UsageError whose message
// is one line naming what is wrong and the valid values (exit 2).
import { DEFECT_IDS, type DefectId, PROFILES, type Profile } from '@paspor-lab/target-api/defects';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from './scenarios.ts';
import { unknownValue } from './suggest.ts';

export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const ENGINES = ['embedded', 'k6'] as const;
export type Engine = (typeof ENGINES)[number];

export interface RunFlags {
  profile?: string;
  defects?: string;
  short?: boolean;
  target?: string;
  billingTarget?: string;
  adminToken?: string;
  engine?: string;
  out?: string;
  allowRemoteTarget?: boolean;
}

export interface RunOptions {
  scenario: ScenarioName;
  profile: Profile;
  /** Replaces the profile's defect set when given (as the API's --defects does). */
  defects: DefectId[] | undefined;
  short: boolean;
  /** An already running target; the stack is started when absent. */
  target: { apiUrl: string; billingUrl: string; adminToken: string } | undefined;
  engine: Engine;
  out: string | undefined;
  /** --allow-remote-target: the user's explicit permission to load a host outside loopback. */
  allowRemoteTarget: boolean;
}

/** Load only ever goes to loopback (STYLE rules): 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function targetUrl(flag: string, raw: string, allowRemote: boolean): string {
  if (!/^https?:\/\//.test(raw) || !URL.canParse(raw)) {
    throw new UsageError(`${flag} "${raw}" is not an http(s) URL; for example ${flag} http://127.0.0.1:8080`);
  }
  if (!allowRemote && !isLoopbackUrl(raw)) {
    throw new UsageError(
      `${flag} "${raw}" is not a loopback address; load goes only to 127.0.0.0/8, ::1 or localhost unless you add --allow-remote-target`,
    );
  }
  return raw.replace(/\/+$/, '');
}

export function parseRunOptions(
  scenario: string,
  flags: RunFlags,
  env: Record<string, string | undefined> = process.env,
): RunOptions {
  if (!isScenarioName(scenario)) {
    throw new UsageError(unknownValue('scenario', scenario, SCENARIO_NAMES));
  }
  const profile = flags.profile ?? 'hardened';
  if (!(PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(unknownValue('profile', profile, PROFILES));
  }
  let defects: DefectId[] | undefined;
  if (flags.defects !== undefined) {
    const ids = flags.defects
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    const unknown = ids.find((id) => !(DEFECT_IDS as readonly string[]).includes(id));
    if (unknown !== undefined) {
      throw new UsageError(unknownValue('defect', unknown, DEFECT_IDS));
    }
    defects = [...new Set(ids)] as DefectId[];
  }
  const engine = flags.engine ?? 'embedded';
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new UsageError(unknownValue('engine', engine, ENGINES));
  }
  const allowRemoteTarget = flags.allowRemoteTarget === true;
  let target: RunOptions['target'];
  if (flags.target !== undefined) {
    const apiUrl = targetUrl('--target', flags.target, allowRemoteTarget);
    const billingRaw = flags.billingTarget ?? env.BILLING_URL;
    if (billingRaw === undefined) {
      throw new UsageError(
        '--target needs the billing simulator too: add --billing-target URL (or set BILLING_URL)',
      );
    }
    const adminToken = flags.adminToken ?? env.ADMIN_TOKEN;
    if (!adminToken) {
      throw new UsageError('--target needs the admin token: add --admin-token T (or set ADMIN_TOKEN)');
    }
    target = { apiUrl, billingUrl: targetUrl('--billing-target', billingRaw, allowRemoteTarget), adminToken };
  } else if (flags.billingTarget !== undefined) {
    throw new UsageError('--billing-target is only used with --target; drop it to start a fresh stack');
  }
  return {
    scenario,
    profile: profile as Profile,
    defects,
    short: flags.short === true,
    target,
    engine: engine as Engine,
    out: flags.out,
    allowRemoteTarget,
  };
}
