// Readers for fields of the script's options, each failing with an InvalidConfigError that names the
// field (k6 exit 104). Shared by the test-wide options and every executor's own schema.
import { parseDuration } from './duration.ts';
import { InvalidConfigError } from './errors.ts';

export type Raw = Record<string, unknown>;

export interface Stage {
  durationMs: number;
  target: number;
}

export function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function int(raw: Raw, key: string, fallback: number | undefined, where: string, min = 0): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidConfigError(
      `${where}.${key}: expected an integer >= ${min}${value === undefined ? ' (it is required)' : `, got ${JSON.stringify(value)}`}`,
    );
  }
  return value;
}

export function dur(raw: Raw, key: string, fallback: string | undefined, where: string): number {
  const value = raw[key] ?? fallback;
  if (value === undefined) throw new InvalidConfigError(`${where}.${key}: required (e.g. "30s")`);
  return parseDuration(value, `${where}.${key}`);
}

export function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new InvalidConfigError(`${where}: expected an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return out;
}

export function stages(raw: Raw, where: string): Stage[] {
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

export const stagesTotalMs = (list: Stage[]): number => list.reduce((sum, s) => sum + s.durationMs, 0);
