// `paspor-lab k6 run <script>`: the embedded k6-compatible runner, with k6's flags and exit codes.
import type { Command } from 'commander';
import { registerK6Command } from '../../load-runner/src/cli.ts';

export function registerK6(program: Command): void {
  registerK6Command(program);
}
