// The script's exported `options`, checked and turned into fully defaulted scenarios, as k6 consolidates them.
import { parseDuration } from './duration.ts';
import { InvalidConfigError } from './errors.ts';

export type ExecutorName =
  | 'constant-vus'
  | 'ramping-vus'
  | 'shared-iterations'
  | 'per-vu-iterations'
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate';

export interface Stage {
  durationMs: number;
  target: number;
}

interface ScenarioBase {
  name: string;
  startTimeMs: number;
  gracefulStopMs: number;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
}
export type Scenario = ScenarioBase &
  (
    | { executor: 'constant-vus'; vus: number; durationMs: number }
    | { executor: 'ramping-vus'; startVUs: number; stages: Stage[]; gracefulRampDownMs: number }
    | {
        executor: 'shared-iterations' | 'per-vu-iterations';
        vus: number;
        iterations: number;
        maxDurationMs: number;
      }
    | {
        executor: 'constant-arrival-rate';
        rate: number;
        timeUnitMs: number;
        durationMs: number;
        preAllocatedVUs: number;
        maxVUs: number;
      }
    | {
        executor: 'ramping-arrival-rate';
        startRate: number;
        timeUnitMs: number;
        stages: Stage[];
        preAllocatedVUs: number;
        maxVUs: number;
      }
  );

export type ThresholdInput = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export interface NormalizedOptions {
  scenarios: Scenario[];
  thresholds: Record<string, ThresholdInput[]>;
  summaryTrendStats: string[];
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  tags: Record<string, string>;
  discardResponseBodies: boolean;
  userAgent: string;
  /** The options object as the script exported it, for `exec.test.options`. */
  raw: Record<string, unknown>;
}

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;
const TREND_STAT = /^(avg|min|med|max|count|p\(\d+(\.\d+)?\))$/;

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function int(raw: Raw, key: string, fallback: number | undefined, where: string, min = 0): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidConfigError(
      `${where}.${key}: expected an integer >= ${min}${value === undefined ? ' (it is required)' : `, got ${JSON.stringify(value)}`}`,
    );
  }
  return value;
}

function dur(raw: Raw, key: string, fallback: string | undefined, where: string): number {
  const value = raw[key] ?? fallback;
  if (value === undefined) throw new InvalidConfigError(`${where}.${key}: required (e.g. "30s")`);
  return parseDuration(value, `${where}.${key}`);
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new InvalidConfigError(`${where}: expected an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return out;
}

function stages(raw: Raw, where: string): Stage[] {
  const list = raw.stages;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidConfigError(`${where}.stages: expected a non-empty list of { duration, target }`);
  }
  return list.map((stage, i) => {
    if (!isObject(stage))
      throw new InvalidConfigError(`${where}.stages[${i}]: expected { duration, target }`);
    return {
      durationMs: dur(stage, 'duration', undefined, `${where}.stages[${i}]`),
      target: int(stage, 'target', undefined, `${where}.stages[${i}]`),
    };
  });
}

export function normalizeScenario(name: string, raw: Raw): Scenario {
  const where = `scenarios.${name}`;
  if (!SCENARIO_NAME.test(name)) {
    throw new InvalidConfigError(`${where}: scenario names may only contain letters, digits, "_" and "-"`);
  }
  const base: ScenarioBase = {
    name,
    startTimeMs: dur(raw, 'startTime', '0s', where),
    gracefulStopMs: dur(raw, 'gracefulStop', '30s', where),
    exec: typeof raw.exec === 'string' ? raw.exec : 'default',
    env: stringMap(raw.env, `${where}.env`),
    tags: stringMap(raw.tags, `${where}.tags`),
  };
  const executor = raw.executor;
  switch (executor) {
    case 'constant-vus':
      return {
        ...base,
        executor,
        vus: int(raw, 'vus', 1, where, 1),
        durationMs: dur(raw, 'duration', undefined, where),
      };
    case 'ramping-vus':
      return {
        ...base,
        executor,
        startVUs: int(raw, 'startVUs', 1, where),
        stages: stages(raw, where),
        gracefulRampDownMs: dur(raw, 'gracefulRampDown', '30s', where),
      };
    case 'shared-iterations':
    case 'per-vu-iterations':
      return {
        ...base,
        executor,
        vus: int(raw, 'vus', 1, where, 1),
        iterations: int(raw, 'iterations', 1, where, 1),
        maxDurationMs: dur(raw, 'maxDuration', '10m', where),
      };
    case 'constant-arrival-rate': {
      const preAllocatedVUs = int(raw, 'preAllocatedVUs', undefined, where);
      return {
        ...base,
        executor,
        rate: int(raw, 'rate', undefined, where, 1),
        timeUnitMs: dur(raw, 'timeUnit', '1s', where),
        durationMs: dur(raw, 'duration', undefined, where),
        preAllocatedVUs,
        maxVUs: Math.max(preAllocatedVUs, int(raw, 'maxVUs', preAllocatedVUs, where)),
      };
    }
    case 'ramping-arrival-rate': {
      const preAllocatedVUs = int(raw, 'preAllocatedVUs', undefined, where);
      return {
        ...base,
        executor,
        startRate: int(raw, 'startRate', 0, where),
        timeUnitMs: dur(raw, 'timeUnit', '1s', where),
        stages: stages(raw, where),
        preAllocatedVUs,
        maxVUs: Math.max(preAllocatedVUs, int(raw, 'maxVUs', preAllocatedVUs, where)),
      };
    }
    default:
      throw new InvalidConfigError(
        `${where}.executor: unknown executor ${JSON.stringify(executor)} (use constant-vus, ramping-vus, shared-iterations, per-vu-iterations, constant-arrival-rate or ramping-arrival-rate)`,
      );
  }
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
    userAgent: typeof raw.userAgent === 'string' ? raw.userAgent : 'paspor-lab-runner (k6-compatible)',
    raw,
  };
}

/** How long a scenario runs at most, without its gracefulStop (null when iteration-bound and quick). */
export function scenarioDurationMs(scenario: Scenario): number {
  switch (scenario.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return scenario.durationMs;
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return scenario.stages.reduce((sum, s) => sum + s.durationMs, 0);
    case 'shared-iterations':
    case 'per-vu-iterations':
      return scenario.maxDurationMs;
  }
}
