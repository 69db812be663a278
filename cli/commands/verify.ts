// paspor-lab verify <scenario>: prove a fix with repeated runs and a statistical verdict (docs/DEFECTS.md).
// Exit 0 every claimed fix verified and nothing regressed, 99 otherwise, 2 bad usage, 1 could not run.
import type { Command } from 'commander';
import { exitSoon } from '../src/exit-soon.ts';
import { withExitCodes } from '../src/help.ts';
import { observerFactoryOrHint } from '../src/observe/index.ts';
import { progressPrinter } from '../src/progress.ts';
import { UsageError } from '../src/run-options.ts';
import { SCENARIO_NAMES } from '../src/scenarios.ts';
import { EXIT_COULD_NOT_RUN, EXIT_USAGE } from '../src/verdict.ts';
import { verdictTable } from '../src/verdict-table.ts';
import { parseVerifyOptions, type VerifyFlags, type VerifyOptions } from '../src/verify-options.ts';

export function registerVerify(program: Command): void {
  const command = program
    .command('verify')
    .description(
      'run baseline and candidate N times each, interleaved, and judge every claimed fix with statistics',
    )
    .argument('<scenario>', SCENARIO_NAMES.join(' | '))
    .option('--baseline <profile>', 'baseline profile: legacy | hardened (default legacy)')
    .option('--baseline-defects <list>', 'baseline defects instead of a profile, e.g. quota-race')
    .option('--candidate <profile>', 'candidate profile: legacy | hardened (default hardened)')
    .option('--candidate-defects <list>', 'candidate defects instead of a profile (empty: none)')
    .option('--runs <n>', 'runs per side (default 5; 3 with --short)')
    .option('--short', 'short mode: each run well under a minute')
    .option('--lang <lang>', 'report language: en | id (default PASPOR_LANG, else en)')
    .option(
      '--format <list>',
      'report formats: html,md,json,pdf (default all; pdf where Chromium is installed)',
    )
    .option('--out <dir>', 'verification folder, new or empty (default ./runs/<verification-id>)')
    .option('--engine <engine>', 'embedded | k6 (k6 on PATH)', 'embedded')
    .option('--target <url>', 'an already running API (loopback only) for every run, instead of fresh stacks')
    .option('--billing-target <url>', 'the billing simulator of --target')
    .option('--admin-token <token>', 'admin token of --target (default: ADMIN_TOKEN)')
    .option(
      '--observe',
      "watch each run with its own Prometheus and the project's alerts; alerts.json in every run folder",
    )
    .action(async (scenario: string, flags: VerifyFlags & { observe?: boolean }) => {
      exitSoon(await verifyCommand(scenario, flags));
    });
  withExitCodes(command, {
    0: 'every claimed fix verified and nothing regressed',
    1: 'it could not verify (a run could not be done, the target did not start)',
    2: 'bad usage: an unknown scenario, profile, defect or format (the line says the closest one)',
    99: 'a claimed fix was not verified, or something regressed',
  });
}

/** `prelude`: a line to print once the flags are known to be good (the demo says what it runs). */
export async function verifyCommand(
  scenario: string,
  flags: VerifyFlags & { observe?: boolean },
  prelude?: string,
): Promise<number> {
  let options: VerifyOptions;
  try {
    options = parseVerifyOptions(scenario, flags);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`paspor-lab ${prelude ? 'demo' : 'verify'}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (prelude) process.stderr.write(`${prelude}\n`);
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  let printer = progressPrinter(`[${options.scenario}]`);
  const newObserver = flags.observe
    ? observerFactoryOrHint(
        (line) => printer.note(line),
        { onStep: (line) => printer.note(line) },
        undefined,
        'the verification',
      )
    : null;
  try {
    // Loaded once the flags are valid: a usage error answers without loading the harness (~0.5 s).
    const { runVerification } = await import('../src/verification.ts');
    const outcome = await runVerification(options, {
      ...(newObserver ? { newObserver } : {}),
      onRunStart: (run) => {
        printer.done();
        printer = progressPrinter(`[${options.scenario} ${run.side} ${run.label} ${run.index}/${run.of}]`);
      },
      onProgress: (p) => printer.update(p),
      onStep: (line) => printer.note(line),
      onRunEnd: (run) => {
        printer.done();
        printer.note(`${run.passed ? 'PASS' : `FAIL (exit ${run.exitCode})`}: ${run.dir}`);
      },
      signal: abort.signal,
    });
    printer.done();
    const lines = ['', verdictTable(outcome.verification), '', `verification folder: ${outcome.dir}`];
    const main = outcome.reportFiles.find((f) => f.endsWith('.html')) ?? outcome.reportFiles[0];
    lines.push(
      main
        ? `comparison report: ${main}`
        : `comparison report: not rendered (${outcome.reportProblem ?? 'no format'})`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return outcome.verification.outcome.exitCode;
  } catch (error) {
    printer.done();
    process.stderr.write(
      `paspor-lab verify: could not verify ${options.scenario}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT_COULD_NOT_RUN;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
