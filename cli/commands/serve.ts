// `paspor-lab serve`: the same as `npm run serve` (target-api/serve.ts): the billing simulator and the
// booking API as two processes, until Ctrl-C.

import { ServeUsageError, serveForeground, serveOptionsFrom } from '@paspor-lab/target-api';
import type { Command } from 'commander';
import { withExitCodes } from '../src/help.ts';

interface ServeCommandOptions {
  profile?: string;
  defects?: string;
  port?: string;
  billingPort?: string;
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('start the billing simulator and the booking API (two processes) until Ctrl-C')
    .option('--profile <profile>', 'legacy (field defects) or hardened (fixes)', 'hardened')
    .option('--defects <list>', 'comma-separated defects to switch on instead of the profile set')
    .option('--port <port>', 'API port (0 = a free one)', '8080')
    .option('--billing-port <port>', 'billing simulator port (0 = a free one)', '8081')
    .action(async (flags: ServeCommandOptions) => {
      let options: ReturnType<typeof serveOptionsFrom>;
      try {
        options = serveOptionsFrom(flags);
      } catch (error) {
        if (!(error instanceof ServeUsageError)) throw error;
        process.stderr.write(`paspor-lab serve: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await serveForeground(options, 'paspor-lab serve');
    });
  withExitCodes(command, {
    0: 'stopped with Ctrl-C (or SIGTERM) after both services drained',
    1: 'a service did not start or exited on its own',
    2: 'bad usage (unknown profile or defect, a port that is not a number)',
  });
}
