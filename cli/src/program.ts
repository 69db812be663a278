// The whole `paspor-lab` command tree, built without parsing anything: the entry parses argv with it,
// and the README test walks it to hold the READMEs and every --help against each other.
import { Command } from 'commander';
import { registerDemo } from '../commands/demo.ts';
import { registerDoctor } from '../commands/doctor.ts';
import { registerK6 } from '../commands/k6.ts';
import { registerList } from '../commands/list.ts';
import { registerReport } from '../commands/report.ts';
import { registerRun } from '../commands/run.ts';
import { registerServe } from '../commands/serve.ts';
import { registerVerify } from '../commands/verify.ts';
import { oneLineError, withExitCodes } from './help.ts';

export function buildProgram(): Command {
  const program = new Command('paspor-lab')
    .description('Reproduce M-Paspor field failures under load, measure them, and prove the fixes')
    .configureOutput({ outputError: (message, write) => write(`${oneLineError(message)}\n`) })
    .exitOverride();

  registerServe(program);
  registerRun(program);
  registerVerify(program);
  registerReport(program);
  registerDemo(program);
  registerK6(program);
  registerDoctor(program);
  registerList(program);
  withExitCodes(program, {
    0: 'the command did what it says (a run: every threshold and invariant held)',
    1: 'it could not be done (the target did not start, a required part is missing)',
    2: 'bad usage: an unknown command, option or value (the line says the closest one)',
    99: 'a run or verification judged the target and it failed',
  });
  return program;
}
