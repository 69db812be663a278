// paspor-lab run <scenario>: one load scenario against a fresh stack (or --target), judged by its
// thresholds and the target's invariants. Exit 0 pass, 99 fail, 2 usage, 1 (or k6's code) could not run.
import type { Command } from 'commander';
import {
  DashboardPortError,
  dashboardPort,
  type LiveDashboard,
  startDashboard,
} from '../src/dashboard/index.ts';
import { exitSoon } from '../src/exit-soon.ts';
import { withExitCodes } from '../src/help.ts';
import { observerOrHint } from '../src/observe/index.ts';
import { progressPrinter } from '../src/progress.ts';
import { parseRunOptions, type RunFlags, UsageError } from '../src/run-options.ts';
import { SCENARIO_NAMES } from '../src/scenarios.ts';
import { describeVerdict, EXIT_COULD_NOT_RUN, EXIT_USAGE } from '../src/verdict.ts';

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('run one load scenario and judge it by its SLO thresholds and the invariants')
    .argument('<scenario>', SCENARIO_NAMES.join(' | '))
    .option('--profile <profile>', 'target profile: legacy | hardened (default hardened)')
    .option('--defects <list>', "comma-separated defects, replacing the profile's set")
    .option('--short', 'short mode: each scenario well under a minute (CI)')
    .option('--target <url>', 'an already running API (loopback only) instead of starting one')
    .option('--allow-remote-target', 'allow a --target outside loopback (refused by default)')
    .option('--billing-target <url>', 'the billing simulator of --target')
    .option('--admin-token <token>', 'admin token of --target (default: ADMIN_TOKEN)')
    .option('--engine <engine>', 'embedded | k6 (k6 on PATH)', 'embedded')
    .option('--out <dir>', 'run folder (default ./runs/<run-id>)')
    .option(
      '--observe',
      "watch the run with the machine's Prometheus and the project's alerts; writes alerts.json",
    )
    .option(
      '--dashboard [port]',
      "a live page on 127.0.0.1 (port default 5665, k6's; 0 a free one): rates, latency against the SLO, errors, VUs, seats left, alerts",
    )
    .action(async (scenario: string, flags: RunFlags) => {
      exitSoon(await runCommand(scenario, flags));
    });
  withExitCodes(command, {
    0: 'every threshold and every invariant held',
    1: 'the run could not be done (the target did not start, the script failed)',
    2: 'bad usage (unknown scenario, profile, defect or engine; a target outside loopback; a --dashboard port in use)',
    99: 'a threshold failed or an invariant was violated',
  });
}

export async function runCommand(
  scenario: string,
  flags: RunFlags & { observe?: boolean; dashboard?: string | boolean },
): Promise<number> {
  let options: ReturnType<typeof parseRunOptions>;
  let port: number | undefined;
  try {
    options = parseRunOptions(scenario, flags);
    port = dashboardPort(flags.dashboard, options.engine);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`paspor-lab run: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const setup = options.defects ? `defects=${options.defects.join(',') || 'none'}` : options.profile;
  const label = `[${options.scenario} ${setup}]`;
  let dashboard: LiveDashboard | undefined;
  if (port !== undefined) {
    try {
      dashboard = await startDashboard(port, `${options.scenario} · ${setup}`);
    } catch (error) {
      if (!(error instanceof DashboardPortError)) throw error;
      process.stderr.write(`paspor-lab run: ${error.message}\n`);
      return EXIT_USAGE;
    }
  }
  const printer = progressPrinter(label);
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  if (dashboard) printer.note(`live page: ${dashboard.url}`);
  try {
    // Loaded once the flags are valid: a usage error answers without loading the harness (~0.5 s).
    const { runScenario } = await import('../src/run-scenario.ts');
    const outcome = await runScenario(options, {
      onProgress: (p) => {
        printer.update(p);
        dashboard?.progress(p);
      },
      onStep: (line) => {
        printer.note(line);
        dashboard?.note(line);
      },
      signal: abort.signal,
      dashboard,
      observer: flags.observe
        ? (observerOrHint((line) => printer.note(line), { onStep: (line) => printer.note(line) }) ??
          undefined)
        : undefined,
    });
    printer.done();
    const lines = [`${label} ${describeVerdict(outcome.verdict)}`];
    if (outcome.meta.knee) {
      lines.push(
        `${label} knee: ${outcome.meta.knee.ratePerSec} iterations/s offered (${outcome.meta.knee.reason})`,
      );
    }
    lines.push(`${label} run folder: ${outcome.dir}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    dashboard?.finish({
      verdict: describeVerdict(outcome.verdict),
      passed: outcome.verdict.passed,
      dir: outcome.dir,
    });
    return outcome.verdict.exitCode;
  } catch (error) {
    printer.done();
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`paspor-lab run: could not run ${options.scenario}: ${reason}\n`);
    dashboard?.finish({ verdict: `could not run: ${reason}`, passed: false, dir: null });
    return EXIT_COULD_NOT_RUN;
  } finally {
    if (dashboard) await leaveDashboard(dashboard, label, abort.signal);
    process.removeListener('SIGINT', onSignal);
  }
}

/** As k6's web dashboard: the command stays while a live page is open, so its report link works. */
async function leaveDashboard(dashboard: LiveDashboard, label: string, signal: AbortSignal): Promise<void> {
  if (dashboard.pages() > 0) {
    process.stderr.write(
      `${label} the live page stays up while it is open: ${dashboard.url} (close it, or Ctrl-C, to leave)\n`,
    );
  }
  await dashboard.linger(signal);
  await dashboard.close();
}
