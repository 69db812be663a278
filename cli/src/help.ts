// The "Exit codes" paragraph every command's --help ends with, so scripts and CI know what each means.
import type { Command } from 'commander';

/** Appends "Exit codes:" with one line per code to the command's --help. */
export function withExitCodes(command: Command, codes: Record<number, string>): Command {
  const lines = Object.entries(codes).map(([code, meaning]) => `  ${code.padStart(3)}  ${meaning}`);
  return command.addHelpText('after', `\nExit codes:\n${lines.join('\n')}`);
}

/**
 * Commander's usage errors as one line: "error: unknown command 'rn'\n(Did you mean run?)" becomes
 * "paspor-lab: unknown command 'rn': did you mean run? (paspor-lab --help lists the commands)".
 */
export function oneLineError(message: string): string {
  const parts = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const [first = 'bad usage', ...rest] = parts;
  const head = first.replace(/^error:\s*/, '');
  const hints = rest.map((line) => line.replace(/^\((.*)\)$/, '$1').replace(/^Did you mean/, 'did you mean'));
  return `paspor-lab: ${[head, ...hints].join(': ')} (paspor-lab --help lists the commands and options)`;
}
