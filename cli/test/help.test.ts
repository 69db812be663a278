// Every command's --help ends with its exit codes, so a script or CI knows what each number means:
// at least success (0) and bad usage (2), each code with its meaning, walked over the real command tree.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.ts';

function helpOf(command: Command): string {
  let out = '';
  command.configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (out += text) });
  command.outputHelp();
  return out;
}

function everyCommand(command: Command, path: string[] = []): { name: string; command: Command }[] {
  return command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return [{ name: here.join(' '), command: sub }, ...everyCommand(sub, here)];
  });
}

describe('--help', () => {
  const program = buildProgram();
  const runnable = [{ name: '(root)', command: program }, ...everyCommand(program)].filter(
    ({ command }) => command.commands.length === 0 || command === program,
  );

  it('covers the commands the README documents', () => {
    expect(runnable.map((c) => c.name)).toEqual(
      expect.arrayContaining(['run', 'verify', 'report', 'demo', 'serve', 'doctor', 'list', 'k6 run']),
    );
  });

  it.each(runnable)('$name lists its exit codes, 0 and 2 among them, each with a meaning', ({ command }) => {
    const help = helpOf(command);
    const block = /\nExit codes:\n((?: +\d+ {2}\S.*\n?)+)$/.exec(help)?.[1];
    expect(block, help).toMatch(/^ +0 {2}\S/m);
    const codes = (block ?? '')
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line.trim().split(/\s+/)[0]));
    expect(codes).toContain(0);
    expect(codes).toContain(2);
  });
});
