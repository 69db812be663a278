// paspor-lab demo (npm start): quota-rush in short mode on legacy, then on hardened, and the two
// verdicts side by side: the field's failure reproduced, and the fix proven.
import type { Command } from 'commander';
import { exitSoon } from '../src/exit-soon.ts';
import { withExitCodes } from '../src/help.ts';
import { progressPrinter } from '../src/progress.ts';
import { parseRunOptions } from '../src/run-options.ts';
import { type RunOutcome, runScenario } from '../src/run-scenario.ts';
import { EXIT_COULD_NOT_RUN } from '../src/verdict.ts';

const INVARIANTS = [
  'slot-over-capacity',
  'duplicate-active-booking',
  'booking-without-code',
  'paid-but-expired',
  'notice-mismatch',
  'quota-not-conserved',
];

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('quota-rush (short) on legacy, then on hardened, verdicts side by side')
    .action(async () => {
      exitSoon(await demo());
    });
  withExitCodes(command, {
    0: 'the demo showed what it promises: legacy fails, hardened passes',
    1: 'a run could not be done',
    99: 'it did not: legacy passed or hardened failed',
  });
}

/** The table the demo prints: one row per invariant and threshold outcome, one column per profile. */
export function sideBySide(runs: { profile: string; outcome: RunOutcome }[]): string {
  const rows: string[][] = [['', ...runs.map((r) => r.profile)]];
  rows.push([
    'verdict',
    ...runs.map((r) => (r.outcome.verdict.passed ? 'PASS' : `FAIL (exit ${r.outcome.verdict.exitCode})`)),
  ]);
  const names = new Set(INVARIANTS);
  for (const r of runs) for (const inv of r.outcome.invariants ?? []) names.add(inv.name);
  for (const name of names) {
    rows.push([
      name,
      ...runs.map((r) => String(r.outcome.invariants?.find((i) => i.name === name)?.violations ?? '-')),
    ]);
  }
  rows.push(['failed thresholds', ...runs.map((r) => String(r.outcome.verdict.failedThresholds.length))]);
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  const table = rows.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join('   ')
      .trimEnd(),
  );
  const folders = runs.map((r) => `${r.profile} run folder: ${r.outcome.dir}`);
  return [...table, '', ...folders].join('\n');
}

async function demo(): Promise<number> {
  const runs: { profile: string; outcome: RunOutcome }[] = [];
  for (const profile of ['legacy', 'hardened'] as const) {
    const printer = progressPrinter(`[quota-rush ${profile}]`);
    try {
      const outcome = await runScenario(parseRunOptions('quota-rush', { profile, short: true }), {
        onProgress: (p) => printer.update(p),
        onStep: (line) => printer.note(line),
      });
      printer.done();
      printer.note(outcome.verdict.passed ? 'PASS' : 'FAIL');
      runs.push({ profile, outcome });
    } catch (error) {
      printer.done();
      process.stderr.write(
        `paspor-lab demo: could not run quota-rush on ${profile}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return EXIT_COULD_NOT_RUN;
    }
  }
  process.stdout.write(
    `\nquota-rush, short mode: the field's failure on legacy, the fix on hardened\n\n${sideBySide(runs)}\n`,
  );
  // The demo succeeds when it shows what it promises: legacy fails and hardened passes.
  const [legacy, hardened] = runs;
  return legacy && hardened && !legacy.outcome.verdict.passed && hardened.outcome.verdict.passed ? 0 : 99;
}
