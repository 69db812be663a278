// The terminal progress line: rewritten in place on a terminal, one line every few seconds in a log.
import type { Progress } from './engines/types.ts';

export function formatProgress(label: string, p: Progress): string {
  const elapsed = (p.elapsedMs / 1000).toFixed(0);
  const total = p.totalMs === null ? '?' : (p.totalMs / 1000).toFixed(0);
  return `${label} ${p.scenario} ${elapsed}s/${total}s  vus ${p.vus}  iterations ${p.iterations}  ${p.ratePerSec.toFixed(1)}/s  failures ${p.failures}`;
}

export interface ProgressPrinter {
  update(p: Progress): void;
  note(line: string): void;
  done(): void;
}

export function progressPrinter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  logEveryMs = 5000,
): ProgressPrinter {
  const tty = stream.isTTY === true;
  let last = 0;
  let open = false;
  return {
    update(p) {
      const line = formatProgress(label, p);
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        open = true;
      } else if (Date.now() - last >= logEveryMs) {
        last = Date.now();
        stream.write(`${line}\n`);
      }
    },
    note(line) {
      if (open) stream.write('\n');
      open = false;
      stream.write(`${label} ${line}\n`);
    },
    done() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}
