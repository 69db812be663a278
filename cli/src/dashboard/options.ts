// The --dashboard flag: absent, bare (k6's port, 5665) or a port (0: a free one). The k6 engine is
// refused: real k6 has its own live page (K6_WEB_DASHBOARD=true, on the same 5665), and feeding this one
// from k6 would mean tailing its JSON output, which cannot be tested here without a k6 binary.
import type { Engine } from '../run-options.ts';
import { UsageError } from '../run-options.ts';

/** k6's web dashboard's port, which `paspor-lab doctor` checks is free. */
export const DEFAULT_DASHBOARD_PORT = 5665;

export function dashboardPort(flag: string | boolean | undefined, engine: Engine): number | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (engine === 'k6') {
    throw new UsageError(
      "--dashboard is for the embedded engine; with --engine k6 use k6's own live page: K6_WEB_DASHBOARD=true paspor-lab run ... --engine k6",
    );
  }
  if (flag === true) return DEFAULT_DASHBOARD_PORT;
  const port = /^\d{1,5}$/.test(flag) ? Number(flag) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(
      `--dashboard takes an optional port (0-65535, 0 for a free one); "${flag}" is not one (put the scenario before the flag: paspor-lab run smoke --dashboard)`,
    );
  }
  return port;
}
