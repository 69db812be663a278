// paspor-lab: one command for the whole harness. Each sub-command lives in ../commands/<name>.ts.
// Loaded by paspor-lab.mjs, which first makes sure the Node running it is new enough.
import { Command, CommanderError } from 'commander';
import { registerDemo } from '../commands/demo.ts';
import { registerDoctor } from '../commands/doctor.ts';
import { registerK6 } from '../commands/k6.ts';
import { registerRun } from '../commands/run.ts';
import { registerServe } from '../commands/serve.ts';
import { oneLineError, withExitCodes } from '../src/help.ts';

const program = new Command('paspor-lab')
  .description('Reproduce M-Paspor field failures under load, measure them, and prove the fixes')
  .configureOutput({ outputError: (message, write) => write(`${oneLineError(message)}\n`) })
  .exitOverride();

registerServe(program);
registerRun(program);
registerDemo(program);
registerK6(program);
registerDoctor(program);
withExitCodes(program, {
  0: 'the command did what it says (a run: every threshold and invariant held)',
  1: 'it could not be done (the target did not start, a required part is missing)',
  2: 'bad usage: an unknown command, option or value (the line says the closest one)',
  99: 'a run or verification judged the target and it failed',
});

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
