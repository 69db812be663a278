// `paspor-lab k6 run <script>`: the embedded k6-compatible runner, with k6's flags and exit codes.

import { registerK6Command } from '@paspor-lab/load-runner/cli';
import { ExitCode } from '@paspor-lab/load-runner/errors';
import type { Command } from 'commander';
import { withExitCodes } from '../src/help.ts';

export function registerK6(program: Command): void {
  registerK6Command(program);
  const run = program.commands.find((c) => c.name() === 'k6')?.commands.find((c) => c.name() === 'run');
  // k6's own exit codes, the runner's table of them (load-runner/src/errors.ts).
  if (run) {
    withExitCodes(run, {
      [ExitCode.ok]: 'every threshold held',
      2: 'bad usage (an unknown flag, a -e without =)',
      [ExitCode.thresholdsFailed]: 'a threshold failed',
      [ExitCode.setupTimeout]: 'setup() timed out',
      [ExitCode.teardownTimeout]: 'teardown() timed out',
      [ExitCode.invalidConfig]: 'invalid options or thresholds, or a target outside loopback',
      [ExitCode.externalAbort]: 'stopped from outside (Ctrl-C)',
      [ExitCode.scriptException]: 'the script threw',
      [ExitCode.scriptAborted]: 'exec.test.abort() or a threshold with abortOnFail',
    });
  }
}
