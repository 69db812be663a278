// The import graph between the workspace packages (docs/ARCHITECTURE.md#packages), read from the
// source with TypeScript's own import scanner, and the rules it must keep: a package reaches another
// only by its name and an entry of its `exports` map, declares every package it imports, and the
// packages' own code (tests aside) imports in one direction only, without cycles.
// `node test/import-graph.ts` prints the graph and any broken rule (exit 1 when one is broken).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

interface Manifest {
  name: string;
  workspaces?: string[];
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface Package {
  name: string;
  /** The folder, relative to the root ('' for the root package). */
  dir: string;
  manifest: Manifest;
}

export interface Edge {
  from: string;
  to: string;
  /** Only test code (a *.test.ts file or a test/ folder) imports along this edge. */
  testOnly: boolean;
}

export interface Graph {
  packages: Package[];
  edges: Edge[];
  /** Each broken rule, one line: the file, the specifier and what is wrong. */
  violations: string[];
}

const SOURCE = /\.(?:ts|mts|mjs|js)$/;
const SKIP = new Set(['node_modules', '.git', 'runs']);
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

function sourceFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(root, path);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative(root, path)] : [];
  });
}

const isTest = (file: string) => /\.test\.ts$/.test(file) || file.split(sep).includes('test');

/** The specifiers a file imports: static imports and re-exports, `import()` with a literal. */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Whether `./entry` is a key of the package's exports map, or matches one of its `*` patterns. */
function exported(pkg: Package, entry: string): boolean {
  return Object.keys(pkg.manifest.exports ?? {}).some((key) => {
    const [head = '', tail] = key.split('*');
    return tail === undefined ? key === entry : entry.startsWith(head) && entry.endsWith(tail);
  });
}

export function importGraph(root: string): Graph {
  const rootManifest = readManifest(root);
  const packages: Package[] = [
    ...(rootManifest.workspaces ?? []).map((dir) => ({
      name: readManifest(join(root, dir)).name,
      dir,
      manifest: readManifest(join(root, dir)),
    })),
    { name: rootManifest.name, dir: '', manifest: rootManifest },
  ];
  const byName = new Map(packages.map((p) => [p.name, p]));
  const owner = (file: string): Package =>
    packages.find((p) => p.dir !== '' && (file === p.dir || file.startsWith(`${p.dir}${sep}`))) ??
    (packages.at(-1) as Package);

  const violations: string[] = [];
  const edges = new Map<string, Edge>();
  for (const file of sourceFiles(root)) {
    const from = owner(file);
    const test = isTest(relative(from.dir, file));
    for (const spec of specifiersOf(readFileSync(join(root, file), 'utf8'))) {
      let to: Package | undefined;
      if (spec.startsWith('.')) {
        to = owner(relative(root, resolve(root, dirname(file), spec)));
        if (to !== from) {
          violations.push(`${file}: '${spec}' reaches into ${to.name} by path: import it by name`);
        }
      } else {
        to = [...byName.values()].find((p) => spec === p.name || spec.startsWith(`${p.name}/`));
        if (!to) continue; // node: built-ins and third-party packages
        const entry = `.${spec.slice(to.name.length)}`;
        if (!exported(to, entry)) {
          violations.push(`${file}: '${spec}' is not in ${to.name}'s exports map`);
        }
        const declared = { ...from.manifest.dependencies, ...from.manifest.devDependencies };
        if (to !== from && !Object.hasOwn(declared, to.name)) {
          violations.push(`${file}: imports ${to.name}, which ${from.name}'s package.json does not declare`);
        }
      }
      if (to === from) continue;
      const key = `${from.name} ${to.name}`;
      const edge = edges.get(key) ?? { from: from.name, to: to.name, testOnly: true };
      edge.testOnly &&= test;
      edges.set(key, edge);
    }
  }
  const graph = {
    packages,
    edges: [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
    violations,
  };
  for (const cycle of cyclesOf(graph.edges.filter((e) => !e.testOnly))) {
    violations.push(`import cycle between packages: ${cycle.join(' -> ')}`);
  }
  return graph;
}

/** Every elementary cycle found by a depth-first walk, each once, as [a, b, ..., a]. */
export function cyclesOf(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const found = new Map<string, string[]>();
  const walk = (node: string, path: string[]): void => {
    for (const to of next.get(node) ?? []) {
      const at = path.indexOf(to);
      if (at >= 0) {
        const cycle = path.slice(at);
        const key = [...cycle].sort().join(' ');
        if (!found.has(key)) found.set(key, [...cycle, to]);
      } else walk(to, [...path, to]);
    }
  };
  for (const node of next.keys()) walk(node, [node]);
  return [...found.values()];
}

/** `@paspor-lab/cli -> @paspor-lab/reports` lines, test-only edges marked. */
export function formatGraph(graph: Graph): string {
  return graph.edges.map((e) => `${e.from} -> ${e.to}${e.testOnly ? '   (tests only)' : ''}`).join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = importGraph(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
  process.stdout.write(`${formatGraph(graph)}\n`);
  process.stdout.write(
    graph.violations.length === 0
      ? 'no cycle, no import across a package boundary but by name and exports\n'
      : `${graph.violations.join('\n')}\n`,
  );
  process.exitCode = graph.violations.length === 0 ? 0 : 1;
}
