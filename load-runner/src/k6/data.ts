// `k6/data`: SharedArray, built once in init code and frozen (k6 shares one copy between VUs too).
import { RunnerError } from '../errors.ts';
import { activeRuntime } from '../runtime.ts';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function buildSharedArray(name: string, build: () => unknown[]): readonly unknown[] {
  const rt = activeRuntime();
  const existing = rt.sharedArrays.get(name);
  if (existing) return existing;
  if (rt.phase !== 'init') throw new RunnerError('SharedArray can only be created in init code', 107);
  const data = build();
  if (!Array.isArray(data))
    throw new RunnerError(`SharedArray "${name}": the function must return an array`, 107);
  // A JSON copy, as k6 makes: the array holds plain data only.
  const frozen = deepFreeze(JSON.parse(JSON.stringify(data)) as unknown[]);
  rt.sharedArrays.set(name, frozen);
  return frozen;
}

/**
 * `new SharedArray(name, fn)` gives the frozen array itself (a plain function called with `new` may
 * return an object), so indexing and `.length` stay native.
 */
export const SharedArray = function SharedArray(name: string, build: () => unknown[]) {
  return buildSharedArray(name, build);
} as unknown as new (
  name: string,
  build: () => unknown[],
) => readonly unknown[];

export default { SharedArray };
