#!/usr/bin/env node
// The runner's own entry (`node load-runner/bin/k6.ts run script.ts`), the same command as
// `paspor-lab k6`, without loading the rest of the CLI: the tests start it as a child process.
import { Command, CommanderError } from 'commander';
import { registerK6Command } from '../src/cli.ts';

const program = new Command('paspor-lab').exitOverride();
registerK6Command(program);
try {
  await program.parseAsync(['node', 'paspor-lab', 'k6', ...process.argv.slice(2)]);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else {
    process.stderr.write(`paspor-lab k6: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
