// The progress of one run on the terminal: the runner's cli-progress bars (load-runner/src/outputs/
// progress.ts) under a label such as "[quota-rush legacy 1/3]", with the run's steps as lines above.
import { type ProgressOptions, TerminalProgress } from '@paspor-lab/load-runner/progress';
import type { Progress } from './engines/types.ts';

export interface ProgressPrinter {
  update(p: Progress): void;
  note(line: string): void;
  done(): void;
}

export function progressPrinter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  logEveryMs: ProgressOptions['logEveryMs'] = 5000,
): ProgressPrinter {
  let bars: TerminalProgress | null = null;
  return {
    update(p) {
      bars ??= new TerminalProgress(stream, { label, logEveryMs });
      bars.update([p]);
    },
    note(line) {
      if (bars) bars.log(`${label} ${line}`);
      else stream.write(`${label} ${line}\n`);
    },
    done() {
      bars?.stop();
      bars = null;
    },
  };
}
