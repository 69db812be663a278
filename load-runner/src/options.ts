// The script's exported `options`, checked and turned into fully defaulted scenarios, as k6 consolidates them.
import { dur, int, isObject, type Raw, stringMap } from './config-fields.ts';
import { goDuration, parseDuration } from './duration.ts';
import { InvalidConfigError, UnsupportedFeatureError } from './errors.ts';
import { type ExecutorConfig, executorNamed, executorOf } from './executors/registry.ts';

/** k6 sends "Grafana k6/<version>"; the runner names itself. */
export const DEFAULT_USER_AGENT = 'paspor-lab-runner (k6-compatible)';

interface ScenarioBase {
  name: string;
  startTimeMs: number;
  gracefulStopMs: number;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
  /** The scenario as the script wrote it, for exec.test.options. */
  raw: Record<string, unknown>;
}
/** A scenario with its executor's own fields (see executors/registry.ts). */
export type Scenario = ScenarioBase & ExecutorConfig;

export type ThresholdInput = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export interface NormalizedOptions {
  scenarios: Scenario[];
  thresholds: Record<string, ThresholdInput[]>;
  summaryTrendStats: string[];
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  tags: Record<string, string>;
  discardResponseBodies: boolean;
  /** The User-Agent header; '' sends none (k6's options.userAgent). */
  userAgent: string;
  /** Redirects followed per request unless params.redirects says otherwise (k6 default 10). */
  maxRedirects: number;
  /** Keep a VU's cookies from one iteration to the next (k6 resets them by default). */
  noCookiesReset: boolean;
  /** The options object as the script exported it, for `exec.test.options`. */
  raw: Record<string, unknown>;
}

/**
 * k6 options the runner does not reproduce, refused at init (an option is never accepted and then
 * ignored). Keys k6 itself does not know are ignored, as k6 ignores them; `ext` and `cloud` only act
 * on Grafana Cloud runs, so a local k6 ignores them too.
 */
const UNSUPPORTED_OPTIONS: Record<string, string> = {
  batch: 'http.batch() is refused anyway',
  batchPerHost: 'http.batch() is refused anyway',
  blacklistIPs: 'only loopback targets are allowed unless --allow-remote-target',
  blockHostnames: 'only loopback targets are allowed unless --allow-remote-target',
  dns: 'the runner resolves hosts with the system resolver',
  hosts: 'put the address in the URL instead',
  httpDebug: 'use --out json=FILE to see every request',
  insecureSkipTLSVerify: 'the runner verifies TLS certificates',
  localIPs: 'requests leave from the default address',
  minIterationDuration: 'wait at the end of the iteration with await new Promise((r) => setTimeout(r, ms))',
  noConnectionReuse: 'connections are kept alive',
  noVUConnectionReuse: 'connections are kept alive',
  rps: 'use a constant-arrival-rate scenario',
  summaryTimeUnit: 'the summary shows times in ms',
  systemTags: 'every built-in tag is attached',
  throw: 'check res.error / res.error_code instead',
  tlsAuth: 'client certificates are not provided',
  tlsCipherSuites: 'TLS uses Node defaults',
  tlsVersion: 'TLS uses Node defaults',
  compatibilityMode: 'scripts run as TypeScript/ES modules on Node',
  executionSegment: 'the runner is one instance',
  executionSegmentSequence: 'the runner is one instance',
};

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;
const TREND_STAT = /^(avg|min|med|max|count|p\(\d+(\.\d+)?\))$/;

export function normalizeScenario(name: string, raw: Raw): Scenario {
  const where = `scenarios.${name}`;
  if (!SCENARIO_NAME.test(name)) {
    throw new InvalidConfigError(`${where}: scenario names may only contain letters, digits, "_" and "-"`);
  }
  const base: ScenarioBase = {
    name,
    raw,
    startTimeMs: dur(raw, 'startTime', '0s', where),
    gracefulStopMs: dur(raw, 'gracefulStop', '30s', where),
    exec: typeof raw.exec === 'string' ? raw.exec : 'default',
    env: stringMap(raw.env, `${where}.env`),
    tags: stringMap(raw.tags, `${where}.tags`),
  };
  return { ...base, ...executorNamed(raw.executor, where).parse(raw, where) };
}

/** k6's shortcuts: vus+duration, stages, iterations, or nothing at all, become one scenario named `default`. */
function shortcutScenario(raw: Raw): Scenario {
  if (raw.stages !== undefined) {
    return normalizeScenario('default', {
      executor: 'ramping-vus',
      startVUs: raw.vus ?? 1,
      stages: raw.stages,
      gracefulStop: '30s',
    });
  }
  if (raw.iterations !== undefined) {
    return normalizeScenario('default', {
      executor: 'shared-iterations',
      vus: raw.vus ?? 1,
      iterations: raw.iterations,
      ...(raw.duration !== undefined ? { maxDuration: raw.duration } : {}),
    });
  }
  if (raw.duration !== undefined) {
    return normalizeScenario('default', {
      executor: 'constant-vus',
      vus: raw.vus ?? 1,
      duration: raw.duration,
    });
  }
  return normalizeScenario('default', { executor: 'shared-iterations', vus: raw.vus ?? 1, iterations: 1 });
}

export function normalizeOptions(
  exported: unknown,
  extraTags: Record<string, string> = {},
): NormalizedOptions {
  const raw: Raw = exported === undefined ? {} : isObject(exported) ? exported : {};
  if (exported !== undefined && !isObject(exported))
    throw new InvalidConfigError('options: expected an object');
  for (const key of Object.keys(raw)) {
    const hint = UNSUPPORTED_OPTIONS[key];
    if (hint !== undefined && raw[key] !== undefined)
      throw new UnsupportedFeatureError(`options.${key}`, hint);
  }
  if (raw.userAgent !== undefined && typeof raw.userAgent !== 'string') {
    throw new InvalidConfigError('options.userAgent: expected a string');
  }
  let scenarios: Scenario[];
  if (raw.scenarios !== undefined) {
    if (!isObject(raw.scenarios) || Object.keys(raw.scenarios).length === 0) {
      throw new InvalidConfigError('options.scenarios: expected an object with at least one scenario');
    }
    scenarios = Object.entries(raw.scenarios).map(([name, sc]) => {
      if (!isObject(sc)) throw new InvalidConfigError(`scenarios.${name}: expected an object`);
      return normalizeScenario(name, sc);
    });
  } else {
    scenarios = [shortcutScenario(raw)];
  }

  const thresholds: Record<string, ThresholdInput[]> = {};
  if (raw.thresholds !== undefined) {
    if (!isObject(raw.thresholds)) throw new InvalidConfigError('options.thresholds: expected an object');
    for (const [name, list] of Object.entries(raw.thresholds)) {
      const items = Array.isArray(list) ? list : [list];
      thresholds[name] = items.map((item, i) => {
        if (typeof item === 'string') return item;
        if (isObject(item) && typeof item.threshold === 'string') {
          return {
            threshold: item.threshold,
            abortOnFail: item.abortOnFail === true,
            ...(typeof item.delayAbortEval === 'string' ? { delayAbortEval: item.delayAbortEval } : {}),
          };
        }
        throw new InvalidConfigError(
          `thresholds["${name}"][${i}]: expected "p(95)<500" or { threshold, abortOnFail }`,
        );
      });
    }
  }

  const summaryTrendStats = Array.isArray(raw.summaryTrendStats)
    ? raw.summaryTrendStats.map(String)
    : DEFAULT_TREND_STATS;
  for (const stat of summaryTrendStats) {
    if (!TREND_STAT.test(stat)) {
      throw new InvalidConfigError(
        `summaryTrendStats: "${stat}" is not a trend statistic (avg, min, med, max, count, p(N))`,
      );
    }
  }

  return {
    scenarios,
    thresholds,
    summaryTrendStats,
    setupTimeoutMs: dur(raw, 'setupTimeout', '60s', 'options'),
    teardownTimeoutMs: dur(raw, 'teardownTimeout', '60s', 'options'),
    tags: { ...stringMap(raw.tags, 'options.tags'), ...extraTags },
    discardResponseBodies: raw.discardResponseBodies === true,
    userAgent: typeof raw.userAgent === 'string' ? raw.userAgent : DEFAULT_USER_AGENT,
    maxRedirects: int(raw, 'maxRedirects', 10, 'options'),
    noCookiesReset: raw.noCookiesReset === true,
    raw,
  };
}

/** Scenario options holding a duration: k6 shows them as Go prints durations ("10m0s"). */
const DURATION_KEYS = [
  'startTime',
  'gracefulStop',
  'duration',
  'maxDuration',
  'timeUnit',
  'gracefulRampDown',
];

/** The options every scenario has, with k6's defaults, as a script spells them. */
const COMMON_SCENARIO_DEFAULTS = { startTime: '0s', gracefulStop: '30s', exec: 'default' };

/**
 * `exec.test.options`: the options as k6 consolidates them, every default filled in and the shortcuts
 * (vus, duration, stages, iterations) turned into the scenario named `default`. Frozen, as k6's is.
 */
export function consolidatedOptions(opts: NormalizedOptions): Readonly<Record<string, unknown>> {
  const scenarios: Record<string, unknown> = {};
  for (const sc of opts.scenarios) {
    const merged: Record<string, unknown> = {
      ...COMMON_SCENARIO_DEFAULTS,
      ...executorOf(sc).defaults,
      ...sc.raw,
      executor: sc.executor,
    };
    for (const key of DURATION_KEYS) {
      if (merged[key] !== undefined) merged[key] = goDuration(parseDuration(merged[key], key));
    }
    if (Array.isArray(merged.stages)) {
      merged.stages = Object.freeze(
        merged.stages.map((stage: Raw) =>
          Object.freeze({ ...stage, duration: goDuration(parseDuration(stage.duration, 'duration')) }),
        ),
      );
    }
    scenarios[sc.name] = Object.freeze(merged);
  }
  return Object.freeze({
    ...opts.raw,
    scenarios: Object.freeze(scenarios),
    thresholds: Object.freeze({ ...opts.thresholds }),
    summaryTrendStats: Object.freeze([...opts.summaryTrendStats]),
    setupTimeout: goDuration(opts.setupTimeoutMs),
    teardownTimeout: goDuration(opts.teardownTimeoutMs),
    tags: Object.freeze({ ...opts.tags }),
    discardResponseBodies: opts.discardResponseBodies,
    userAgent: opts.userAgent,
    maxRedirects: opts.maxRedirects,
    noCookiesReset: opts.noCookiesReset,
  });
}
