// Every scenario script must run under real k6 unchanged: it type-checks against @types/k6 and imports
// only k6 modules (and its own lib/).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScenarioScripts, scenarioFiles } from '../src/script-check.ts';

const scenariosRoot = fileURLToPath(new URL('../../load-scenarios/', import.meta.url));

describe('load-scenarios', () => {
  it('holds the six scenario scripts and a lib', () => {
    const names = scenarioFiles(scenariosRoot).map((f) => f.slice(scenariosRoot.length));
    for (const scenario of [
      'smoke',
      'quota-rush',
      'payment-code-failure',
      'payment-expiry',
      'soak',
      'breakpoint',
    ]) {
      expect(names).toContain(`${scenario}.ts`);
    }
    expect(names.some((n) => n.startsWith('lib/'))).toBe(true);
  });

  it('type-checks against @types/k6 and imports nothing but k6 modules', () => {
    expect(checkScenarioScripts(scenariosRoot)).toEqual([]);
  });
});

describe('the script checker', () => {
  // A scratch copy of the scenarios' tsconfig beside a bad script proves the check can fail.
  const scratch = mkdtempSync(join(tmpdir(), 'paspor-scripts-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'es2022',
        moduleResolution: 'bundler',
        types: ['k6'],
        typeRoots: [fileURLToPath(new URL('../../node_modules/@types', import.meta.url))],
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        skipLibCheck: true,
      },
    }),
  );

  it('reports a Node import, a dynamic import and a path out of the folder', () => {
    const file = join(scratch, 'bad.ts');
    writeFileSync(
      file,
      [
        "import http from 'k6/http';",
        "import { readFileSync } from 'node:fs';",
        "export { x } from '../elsewhere.ts';",
        'export default async function () {',
        "  await import('undici');",
        "  await http.asyncRequest('GET', 'http://127.0.0.1:1/');",
        '  readFileSync;',
        '}',
      ].join('\n'),
    );
    const messages = checkScenarioScripts(scratch, [file]).map((p) => `${p.line}: ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^2: "node:fs" is not a k6 module/));
    expect(messages).toContainEqual(expect.stringMatching(/^5: "undici" is not a k6 module/));
    expect(messages).toContainEqual(expect.stringMatching(/^3: "\.\.\/elsewhere\.ts" reaches outside/));
    expect(messages.some((m) => m.includes('"k6/http" is not'))).toBe(false);
  });

  it('reports a type error against the k6 types', () => {
    const file = join(scratch, 'typo.ts');
    writeFileSync(
      file,
      "import http from 'k6/http';\nexport default async function () { await http.asyncRequest(42); }\n",
    );
    const problems = checkScenarioScripts(scratch, [file]);
    expect(problems.some((p) => p.file === 'typo.ts' && p.line === 2)).toBe(true);
  });
});
