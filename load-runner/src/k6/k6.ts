// `k6`: check, group, fail; sleep is refused (it blocks a VU; here all VUs share one event loop).
import { SyncApiRefusedError } from '../errors.ts';
import type { Tags } from '../metrics/registry.ts';
import { activeRuntime, type IterationContext } from '../runtime.ts';

type Checker = ((value: unknown) => unknown) | boolean;

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

export function check<T>(value: T, sets: Record<string, Checker>, tags?: Record<string, string>): boolean {
  const rt = activeRuntime();
  const ctx = rt.context.getStore();
  const base: Tags = ctx ? ctx.tags : rt.testTags;
  const groupPath = ctx ? ctx.group : '';
  let all = true;
  for (const [name, checker] of Object.entries(sets)) {
    let result: unknown;
    if (typeof checker === 'function') {
      if (checker.constructor.name === 'AsyncFunction') {
        throw new Error(`check "${name}": checks must be synchronous functions (k6 throws on async ones)`);
      }
      result = checker(value);
      if (isThenable(result)) {
        throw new Error(`check "${name}" returned a Promise: checks must be synchronous functions`);
      }
    } else {
      result = checker;
    }
    const ok = Boolean(result);
    const node = rt.groups.check(groupPath, name);
    if (ok) node.passes++;
    else node.fails++;
    const sampleTags: Tags = tags ? { ...base, ...tags, check: name } : { ...base, check: name };
    rt.registry.add(rt.builtins.checks, ok ? 1 : 0, sampleTags);
    if (!ok) all = false;
  }
  return all;
}

export function group<T>(name: string, fn: () => T): T {
  if (typeof fn !== 'function') throw new Error('group(name, fn): fn must be a function');
  if (fn.constructor.name === 'AsyncFunction') {
    throw new Error(`group "${name}": group() takes a synchronous function (k6 throws on async ones)`);
  }
  if (name.includes('::')) throw new Error(`group "${name}": group names may not contain "::"`);
  const rt = activeRuntime();
  const ctx = rt.context.getStore();
  const parentPath = ctx ? ctx.group : '';
  const path = `${parentPath}::${name}`;
  rt.groups.group(path);
  const base: Tags = ctx ? ctx.tags : rt.testTags;
  const tags: Tags = { ...base, group: path };
  const inner: IterationContext | undefined = ctx ? { ...ctx, group: path, tags } : undefined;
  const started = performance.now();
  const result = inner ? rt.context.run(inner, fn) : fn();
  if (isThenable(result)) {
    throw new Error(`group "${name}" returned a Promise: group() takes a synchronous function`);
  }
  if (!ctx?.interrupted) rt.registry.add(rt.builtins.groupDuration, performance.now() - started, tags);
  return result;
}

export function fail(message?: string): never {
  throw new Error(message ?? 'fail() called');
}

export function sleep(_seconds?: number): never {
  const error = new SyncApiRefusedError(
    'sleep()',
    'await new Promise((resolve) => setTimeout(resolve, ms)) (setTimeout from k6/timers or the global one)',
  );
  try {
    activeRuntime().abort(error);
  } catch {
    // outside a run: the throw is enough
  }
  throw error;
}

export function randomSeed(_seed: number): void {
  // Math.random cannot be seeded in Node; accepted so scripts that call it still run.
}

export default { check, group, fail, sleep, randomSeed };
