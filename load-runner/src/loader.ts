// Makes `import http from 'k6/http'` (and the other k6 modules) resolve to the runner's implementations.
// Node 24's module.registerHooks runs in-thread and synchronously, so the script and the runner share
// one module instance of each k6 module and the runner's state.
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { dirname, resolve } from 'node:path';
import { RunnerError } from './errors.ts';
import { activeRuntime, currentContext } from './runtime.ts';

const K6_MODULES: Record<string, string> = {
  k6: 'k6.ts',
  'k6/http': 'http.ts',
  'k6/metrics': 'metrics.ts',
  'k6/execution': 'execution.ts',
  'k6/data': 'data.ts',
  'k6/timers': 'timers.ts',
  'k6/encoding': 'encoding.ts',
  'k6/crypto': 'crypto.ts',
};
const K6_DIR = new URL('./k6/', import.meta.url);
/** Each run imports the script graph afresh (init code runs once per run, as k6 runs it per test). */
const RUN_PARAM = 'paspor-run';

let installed = false;

export function installK6Modules(): void {
  if (installed) return;
  installed = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const file = K6_MODULES[specifier];
      if (file) return { url: new URL(file, K6_DIR).href, shortCircuit: true };
      if (specifier === 'k6' || specifier.startsWith('k6/')) {
        throw new RunnerError(
          `module "${specifier}" is not provided by the embedded runner (it provides ${Object.keys(K6_MODULES).join(', ')})`,
          107,
        );
      }
      const result = nextResolve(specifier, context);
      const parent = context.parentURL;
      if (
        parent?.includes(`${RUN_PARAM}=`) &&
        result.url.startsWith('file:') &&
        !result.url.includes('/node_modules/')
      ) {
        const run = new URL(parent).searchParams.get(RUN_PARAM);
        const url = new URL(result.url);
        if (run && !url.searchParams.has(RUN_PARAM)) {
          url.searchParams.set(RUN_PARAM, run);
          return { ...result, url: url.href };
        }
      }
      return result;
    },
  });
  installGlobals();
}

let runCounter = 0;
export function scriptUrl(path: string): string {
  runCounter++;
  const url = new URL(`file://${resolve(path)}`);
  url.searchParams.set(RUN_PARAM, String(runCounter));
  return url.href;
}

/** k6's globals: __ENV, __VU, __ITER, and open() for init code. */
function installGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  Object.defineProperty(g, '__ENV', {
    configurable: true,
    get: () => {
      const ctx = currentContext();
      return ctx ? ctx.scenario.env : activeRuntime().env;
    },
  });
  Object.defineProperty(g, '__VU', { configurable: true, get: () => currentContext()?.vu.idInTest ?? 0 });
  Object.defineProperty(g, '__ITER', {
    configurable: true,
    get: () => currentContext()?.vu.iterationInScenario ?? 0,
  });
  g.open = (path: string, mode?: string): string | ArrayBuffer => {
    const rt = activeRuntime();
    if (rt.phase !== 'init') throw new RunnerError('open() can only be called in init code', 107);
    const full = resolve(rt.scriptDir, path);
    const data = readFileSync(full);
    return mode === 'b'
      ? (data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)
      : data.toString('utf8');
  };
}

export function scriptDirOf(path: string): string {
  return dirname(resolve(path));
}
