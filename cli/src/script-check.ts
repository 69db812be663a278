// Checks that load scenarios stay real k6 scripts: they type-check against @types/k6 and import nothing
// but k6 modules and each other (docs/ARCHITECTURE.md: every file runs under real k6 unchanged).
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const K6_MODULES = ['k6', 'k6/http', 'k6/metrics', 'k6/execution', 'k6/data', 'k6/timers'] as const;

export interface ScriptProblem {
  file: string;
  line: number;
  message: string;
}

/** Every .ts file of a scenarios folder, its lib/ included, tests excluded. */
export function scenarioFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        files.push(path);
    }
  };
  walk(root);
  return files.sort();
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, root).options;
}

/** Module specifiers a file imports or re-exports, statically or dynamically, with their lines. */
function importsOf(source: ts.SourceFile): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number }[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined) => {
    if (literal && ts.isStringLiteralLike(literal)) {
      found.push({
        specifier: literal.text,
        line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      });
    }
  };
  const visit = (node: ts.Node) => {
    // `import type` is erased before the script runs (k6 strips types too), so it may name any typings.
    if (ts.isImportDeclaration(node)) {
      if (!node.importClause?.isTypeOnly) add(node, node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node)) {
      if (!node.isTypeOnly) add(node, node.moduleSpecifier);
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const dynamic = callee.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(callee) && callee.text === 'require';
      if (dynamic || required) add(node, node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Type-checks the given scripts with the folder's tsconfig (types: k6) and lists every problem: type
 * errors, and imports that are neither a k6 module nor a relative file inside the folder.
 */
export function checkScenarioScripts(root: string, files: string[] = scenarioFiles(root)): ScriptProblem[] {
  const absRoot = resolve(root);
  const program = ts.createProgram(files, compilerOptions(absRoot));
  const problems: ScriptProblem[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file;
    const line =
      file && diagnostic.start !== undefined
        ? file.getLineAndCharacterOfPosition(diagnostic.start).line + 1
        : 0;
    problems.push({
      file: file ? relative(absRoot, file.fileName) : '(config)',
      line,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
    });
  }
  const allowed = new Set<string>(K6_MODULES);
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    for (const { specifier, line } of importsOf(source)) {
      const name = relative(absRoot, file);
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const target = resolve(dirname(file), specifier);
        if (relative(absRoot, target).startsWith('..')) {
          problems.push({ file: name, line, message: `"${specifier}" reaches outside the scenarios folder` });
        }
      } else if (!allowed.has(specifier)) {
        problems.push({
          file: name,
          line,
          message: `"${specifier}" is not a k6 module (allowed: ${K6_MODULES.join(', ')}, and relative files)`,
        });
      }
    }
  }
  return problems;
}
