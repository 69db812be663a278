#!/usr/bin/env node
// paspor-lab: one command for the whole harness. Each sub-command lives in ../commands/<name>.ts.
import { Command, CommanderError } from 'commander';
import { registerDemo } from '../commands/demo.ts';
import { registerK6 } from '../commands/k6.ts';
import { registerRun } from '../commands/run.ts';
import { registerServe } from '../commands/serve.ts';
import { registerVerify } from '../commands/verify.ts';

const program = new Command('paspor-lab')
  .description('Reproduce M-Paspor field failures under load, measure them, and prove the fixes')
  .showHelpAfterError('(run `paspor-lab --help` for the commands)')
  .exitOverride();

registerServe(program);
registerRun(program);
registerVerify(program);
(await import('../commands/report.ts')).registerReport(program);
registerDemo(program);
registerK6(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`paspor-lab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
