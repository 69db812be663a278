// The package boundaries hold: every import across packages goes by name through an `exports` entry,
// is declared, and the packages' own code has no cycle. The checker is shown to catch each broken rule
// on a small tree of packages planted with one violation of each kind.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cyclesOf, importGraph } from './import-graph.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function plant(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('package boundaries', () => {
  it('hold in this repository: no deep import, no undeclared package, no cycle', () => {
    const graph = importGraph(root);
    expect(graph.violations).toEqual([]);
    // The shape docs/ARCHITECTURE.md describes: the CLI on top; nothing imports the CLI but tests and
    // the benchmarks of the root package, which sit above it (bench:chaos reads /metrics as the CLI does).
    const into = (name: string) => graph.edges.filter((e) => e.to === name && !e.testOnly).map((e) => e.from);
    expect(into('@paspor-lab/cli').filter((from) => from !== 'paspor-lab')).toEqual([]);
    expect(graph.edges).toContainEqual({
      from: '@paspor-lab/cli',
      to: '@paspor-lab/load-runner',
      testOnly: false,
    });
  });

  describe('on a tree planted with violations', () => {
    const tree = plant({
      'package.json': { name: 'planted', workspaces: ['a', 'b'] },
      'a/package.json': { name: '@x/a', exports: { '.': './index.ts' }, dependencies: { '@x/b': '1' } },
      'b/package.json': { name: '@x/b', exports: { '.': './index.ts', './*.ts': './lib/*.ts' } },
      'a/index.ts': "import { b } from '@x/b';\nexport const a = b;\n",
      'a/deep.ts': "export { inner } from '../b/lib/inner.ts';\n",
      'a/hidden.ts': "export const load = () => import('@x/b/internal');\n",
      'a/pattern.ts': "export { inner } from '@x/b/inner.ts';\n",
      'b/index.ts': "import { a } from '@x/a';\nexport const b = 1;\nexport const again = a;\n",
      'b/lib/inner.ts': 'export const inner = 2;\n',
    });
    afterAll(() => rmSync(tree, { recursive: true, force: true }));
    const graph = importGraph(tree);

    it('names a relative path into another package', () => {
      expect(graph.violations).toContain(
        `${join('a', 'deep.ts')}: '../b/lib/inner.ts' reaches into @x/b by path: import it by name`,
      );
    });

    it("names a subpath that is not in the package's exports map, and accepts one its pattern covers", () => {
      expect(graph.violations).toContain(
        `${join('a', 'hidden.ts')}: '@x/b/internal' is not in @x/b's exports map`,
      );
      expect(graph.violations.filter((v) => v.includes('pattern.ts'))).toEqual([]);
    });

    it('names a package imported without being declared, and the cycle it closes', () => {
      expect(graph.violations).toContain(
        `${join('b', 'index.ts')}: imports @x/a, which @x/b's package.json does not declare`,
      );
      expect(graph.violations).toContain('import cycle between packages: @x/a -> @x/b -> @x/a');
    });
  });

  it('finds a longer cycle once, and none in a graph that only fans out', () => {
    const edge = (from: string, to: string) => ({ from, to, testOnly: false });
    expect(cyclesOf([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')])).toEqual([
      ['a', 'b', 'c', 'a'],
    ]);
    expect(cyclesOf([edge('a', 'b'), edge('a', 'c'), edge('b', 'c')])).toEqual([]);
  });
});
