// paspor-lab: one command for the whole harness. Each sub-command lives in ../commands/<name>.ts and
// is registered in ../src/program.ts. Loaded by paspor-lab.mjs, which first checks the Node version.
import { CommanderError } from 'commander';
import { buildProgram } from '../src/program.ts';

// `paspor-lab --help | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`paspor-lab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
