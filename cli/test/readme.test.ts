// The READMEs say only what is true of the CLI: every `paspor-lab <command> --flag` and `npm run <script>`
// they name exists, and every command and flag of every --help is documented. The command tree is
// the one the entry parses with (buildProgram), so a renamed flag breaks this test, not a user.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const skip = new Set(['node_modules', 'runs', '.git']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** Inline code spans and fenced blocks: where the READMEs write commands. */
function codeOf(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const rest = markdown.replace(/```[^\n]*\n[\s\S]*?```/g, '');
  const spans = [...rest.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '');
  // A shell line continued with a trailing backslash is one command.
  return [...fenced.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n')), ...spans];
}

/** `paspor-lab run quota-rush --short --out DIR` -> the words after `paspor-lab`, up to a shell break. */
function invocations(code: string): string[][] {
  return [...code.matchAll(/(?:^|[\s(=])paspor-lab((?:\s+[^\s|;&)`]+|\s*\\\|)*)/g)].map((m) =>
    (m[1] ?? '').replace(/\\\|/g, ' ').trim().split(/\s+/).filter(Boolean),
  );
}

function resolve(program: Command, words: string[]): { command: Command; rest: string[] } {
  let command = program;
  let i = 0;
  for (; i < words.length; i++) {
    const sub = command.commands.find((c) => c.name() === words[i]);
    if (!sub) break;
    command = sub;
  }
  return { command, rest: words.slice(i) };
}

const longFlags = (command: Command) => command.options.map((o) => o.long).filter((f): f is string => !!f);

function allCommands(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return sub.commands.length > 0 ? allCommands(sub, here) : [{ path: here, command: sub }];
  });
}

const files = markdownFiles(root);
const program = buildProgram();
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts,
);

describe('the READMEs against the CLI', () => {
  it('names only commands and flags the CLI has', () => {
    const wrong: string[] = [];
    for (const file of files) {
      for (const code of codeOf(readFileSync(file, 'utf8'))) {
        for (const words of invocations(code)) {
          const { command, rest } = resolve(program, words);
          // `paspor-lab <command>` is a placeholder, not a command.
          if (command === program && words.length > 0 && !/^[-<[]/.test(words[0] ?? '')) {
            wrong.push(
              `${relative(root, file)}: \`paspor-lab ${words.join(' ')}\`: no command "${words[0]}"`,
            );
            continue;
          }
          const known = new Set([...longFlags(command), '--help']);
          for (const word of rest) {
            const flag = /^(--[a-z][a-z0-9-]*)/.exec(word)?.[1];
            if (flag && !known.has(flag) && !known.has(flag.replace(/^--no-/, '--'))) {
              wrong.push(`${relative(root, file)}: \`paspor-lab ${words.join(' ')}\`: no flag ${flag}`);
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('passes the scenarios only -e variables they read', () => {
    const scenarioSource = readdirSync(join(root, 'load-scenarios'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => readFileSync(join(root, 'load-scenarios', name), 'utf8'))
      .join('\n');
    const wrong: string[] = [];
    for (const file of files) {
      for (const code of codeOf(readFileSync(file, 'utf8'))) {
        if (!/paspor-lab k6 run|k6 run/.test(code)) continue;
        for (const m of code.matchAll(/(?:-e|--env)\s+([A-Z][A-Z0-9_]+)=/g)) {
          const name = m[1] ?? '';
          if (!scenarioSource.includes(`__ENV.${name}`) && !scenarioSource.includes(`'${name}'`)) {
            wrong.push(`${relative(root, file)}: -e ${name} (no scenario reads it)`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('names only npm scripts package.json has', () => {
    const wrong: string[] = [];
    for (const file of files) {
      for (const code of codeOf(readFileSync(file, 'utf8'))) {
        for (const m of code.matchAll(/npm run ([a-z][\w:-]*)/g)) {
          if (!scripts.includes(m[1] ?? '')) wrong.push(`${relative(root, file)}: npm run ${m[1]}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('documents every command and every flag of every --help', () => {
    // `k6 run` is documented with the runner it drives; every other command in the main README.
    const home = (path: string[]) => (path[0] === 'k6' ? 'load-runner/README.md' : 'README.md');
    const missing: string[] = [];
    for (const { path, command } of allCommands(program)) {
      const text = readFileSync(join(root, home(path)), 'utf8');
      if (!text.includes(`paspor-lab ${path.join(' ')}`))
        missing.push(`${home(path)}: paspor-lab ${path.join(' ')}`);
      for (const flag of longFlags(command)) {
        if (!new RegExp(`${flag}(?![a-z-])`).test(text))
          missing.push(`${home(path)}: ${path.join(' ')} ${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
